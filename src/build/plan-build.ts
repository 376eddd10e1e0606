import type { BuildWarning } from "./dockerfile/dockerfile-error.ts";
import type { Dockerfile } from "./dockerfile/parse-dockerfile.ts";
import { globalArgScope, proxyEnv, unusedBuildArgs } from "./expand/build-args.ts";
import { expandStage, type ExpandedStage } from "./expand/expand-stage.ts";
import type { BuildPlatforms, Platform } from "./expand/platform.ts";
import type { BuildImageConfig } from "./expand/step.ts";
import { buildStageGraph, selectStages, type StageGraph, type StageSelection } from "./stages/stage-graph.ts";

// The builder's pure front door: a parsed Dockerfile and the build's options → which stages to
// build, in what order and waves, and which images the executor must resolve first. Each stage is
// then expanded (expandStage via planStage) once its base's config is known: a pulled image's
// config, or the result of the parent stage.

export interface BuildRequest {
  readonly dockerfile: Dockerfile;
  /** A stage name; default the last stage. */
  readonly target?: string;
  readonly buildArgs: ReadonlyMap<string, string>;
  readonly platforms: BuildPlatforms;
}

export interface ImageToResolve {
  readonly ref: string;
  readonly platform: Platform;
  readonly line: number;
  /** "base": a FROM image (its config is needed to expand the stage); "source": COPY --from / mount from. */
  readonly use: "base" | "source";
}

export interface BuildPlan {
  readonly request: BuildRequest;
  readonly graph: StageGraph;
  readonly selection: StageSelection;
  /** Only the needed stages' images, in build order. */
  readonly images: readonly ImageToResolve[];
  /** The proxy --build-args: added to every RUN's environment, never to a cache key. */
  readonly proxyEnv: ReadonlyMap<string, string>;
  /** The Dockerfile's warnings, then one per unused --build-arg. */
  readonly warnings: readonly BuildWarning[];
}

export function planBuild(request: BuildRequest): BuildPlan {
  const df = request.dockerfile;
  const graph = buildStageGraph(df, globalArgScope(df, request));
  const selection = selectStages(graph, request.target);
  const images: ImageToResolve[] = [];
  for (const i of selection.order) {
    const stage = graph.stages[i];
    if (stage === undefined) continue;
    const platform = stage.platform ?? request.platforms.target;
    if (stage.base.kind === "image") images.push({ ref: stage.base.ref, platform, line: stage.line, use: "base" });
    for (const s of stage.sourceImages) images.push({ ...s, platform, use: "source" });
  }
  const unused = unusedBuildArgs(df, selection.order, request.buildArgs);
  const warnings = [
    ...df.warnings,
    ...unused.map((name) => ({ file: df.file, line: 0, message: `build arg ${name} was not consumed: no ARG ${name} in the stages built` })),
  ];
  return { request, graph, selection, images, proxyEnv: proxyEnv(request.buildArgs), warnings };
}

/** Expands one needed stage; `base` is the base image's config, the parent stage's result config, or undefined for scratch. */
export function planStage(plan: BuildPlan, index: number, base: BuildImageConfig | undefined): ExpandedStage {
  const { dockerfile, buildArgs, platforms } = plan.request;
  return expandStage({ dockerfile, graph: plan.graph, stage: index, base, buildArgs, platforms });
}
