export { plan } from "./plan-up.ts";
export { planDown } from "./plan-down.ts";
export { describeOp, formatPlan } from "./format-plan.ts";
export { imageRef } from "./images.ts";
export { dependenciesOf, dependencyOrder } from "./service-graph.ts";
export type { Dependency } from "./service-graph.ts";
export type { DownPlanOptions, Plan, PlanNode, PlanOp, PlanOpKind, PullPolicy, UpPlanOptions } from "./plan-types.ts";
export { networksByPriority, serviceToCreateOptions } from "./service-to-create.ts";
export type { CreateOptions, CreateOptionsInput } from "./service-to-create.ts";
