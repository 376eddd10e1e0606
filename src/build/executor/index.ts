// The build executor: runs a BuildPlan through the BuildPorts (see ports.ts for what the wiring
// to the engine provides) and returns the image it stored.
export { executeBuild } from "./execute-build.ts";
export type { ExecuteBuildOptions } from "./execute-build.ts";
export type * from "./ports.ts";
export type { BuildProgressEvent, BuildProgressSink, StepRef } from "./progress.ts";
export type { BuildOutput, StageResult, StepReport } from "./results.ts";
export { BuildStepError } from "./step-error.ts";
export { LAYER_MEDIA_TYPE } from "./in-snapshot.ts";
