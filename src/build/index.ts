// The image builder. Its pure front end plans; the executor (executor/, driven by
// executeBuild over the BuildPorts) performs, in this order:
//  1. read the Dockerfile by path (never through the filtered context) → parseDockerfile;
//  2. planBuild({ dockerfile, target, buildArgs, platforms }) → stages in order and waves, the
//     images to resolve (plan.images), proxy env for RUN, warnings to print;
//  3. read the first of ignoreFileCandidates(...) that exists → parseDockerignore; the context
//     port walks the context with excludes()/mayIncludeUnder();
//  4. per stage (independent stages run concurrently): base config = the pulled image's config,
//     the parent stage's ExpandedStage.config, or undefined for scratch → planStage(plan, i, base);
//  5. per step: hash what it reads (copySourceDigest over the walked entries), key =
//     stepCacheKey(parent, step, inputs) starting from baseCacheKey(...); on a cache miss perform
//     the step (RUN env + plan.proxyEnv); the stage's final config is ExpandedStage.config.
export { parseDockerfile } from "./dockerfile/parse-dockerfile.ts";
export type { Dockerfile, ParseOptions, Stage } from "./dockerfile/parse-dockerfile.ts";
export type * from "./dockerfile/instruction.ts";
export type { Directives, EscapeChar } from "./dockerfile/directives.ts";
export type { BuildWarning, SourceLines } from "./dockerfile/dockerfile-error.ts";
export { formatWarning } from "./dockerfile/dockerfile-error.ts";
export type { Heredoc } from "./dockerfile/heredoc.ts";
export type { CacheSharing, MountSpec, MountType, RunMount } from "./dockerfile/run-mount.ts";
export { planBuild, planStage } from "./plan-build.ts";
export type { BuildPlan, BuildRequest, ImageToResolve } from "./plan-build.ts";
export type { ExpandedStage } from "./expand/expand-stage.ts";
export type { BuildImageConfig, ConfigInstruction, CopyFrom, InlineFile, PlannedStep, Step, StepSource } from "./expand/step.ts";
export { formatPlatform, parsePlatform } from "./expand/platform.ts";
export type { BuildPlatforms, Platform } from "./expand/platform.ts";
export { PROXY_ARGS } from "./expand/build-args.ts";
export type { StageBase, StageEdge, StageGraph, StageNode, StageSelection, StageSource } from "./stages/stage-graph.ts";
export { parseDockerignore } from "./context/dockerignore.ts";
export type { DockerIgnore, IgnoreRule } from "./context/dockerignore.ts";
export { ignoreFileCandidates } from "./context/ignore-file.ts";
export { copySourceDigest } from "./cache/copy-source-digest.ts";
export type { CopySourceEntry } from "./cache/copy-source-digest.ts";
export { baseCacheKey, stepCacheKey } from "./cache/step-key.ts";
export { stepSourcesDigest } from "./cache/step-sources-digest.ts";
export type { BaseKeyInput, StepInputs } from "./cache/step-key.ts";
export * from "./executor/index.ts";
