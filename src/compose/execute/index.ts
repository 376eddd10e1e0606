export { execute, PlanExecutionError, resourceOf } from "./execute.ts";
export type { ExecuteOptions } from "./execute.ts";
export type { ProgressEvent, ProgressSink } from "./progress.ts";
export { waitForCondition } from "./wait-condition.ts";
