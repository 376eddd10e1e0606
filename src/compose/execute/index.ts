export { execute, PlanExecutionError, resourceOf } from "./execute.ts";
export type { ExecuteOptions } from "./execute.ts";
export type { ProgressEvent, ProgressSink } from "./progress.ts";
export { networksByPriority, serviceToCreateOptions } from "./service-to-create.ts";
export type { CreateOptions, CreateOptionsInput } from "./service-to-create.ts";
export { waitForCondition } from "./wait-condition.ts";
