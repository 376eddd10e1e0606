import { kindOf, TstackError } from "../../common/errors.ts";
import { baseCacheKey } from "../cache/step-key.ts";
import { DEFAULT_PATH } from "../expand/expand-stage.ts";
import type { Platform } from "../expand/platform.ts";
import type { BuildImageConfig } from "../expand/step.ts";
import { planStage } from "../plan-build.ts";
import type { StageNode } from "../stages/stage-graph.ts";
import type { BuildSession } from "./build-session.ts";
import { createdBy } from "./history.ts";
import { imagePlatform } from "./image-config.ts";
import { performStep, type StepState } from "./perform-step.ts";
import type { BuildLayer, HistoryEntry } from "./ports.ts";
import type { StepRef } from "./progress.ts";
import type { StageResult, StepReport } from "./results.ts";
import { stepFailed } from "./step-error.ts";

// One stage: its base (an image, scratch, or another stage's result), its steps expanded against
// the base's config, then each step in order, each layer and history entry appended to the base's.

interface StageBaseState {
  readonly key: string;
  readonly chainId: string | undefined;
  /** undefined: scratch. */
  readonly config: BuildImageConfig | undefined;
  readonly layers: readonly BuildLayer[];
  readonly history: readonly HistoryEntry[];
  readonly platform: Platform;
  readonly author?: string;
}

export async function buildStage(session: BuildSession, index: number): Promise<StageResult> {
  const { plan, signal } = session;
  const file = plan.graph.file;
  const node = plan.graph.stages[index];
  if (node === undefined) throw new TstackError("Internal", `no stage ${index}`);
  const platform = node.platform ?? plan.request.platforms.target;
  const base = await stageBase(session, node, platform);
  const expanded = planStage(plan, index, base.config);

  const layers = [...base.layers];
  const history = [...base.history];
  const reports: StepReport[] = [];
  let config: BuildImageConfig = base.config ?? { Env: [`PATH=${DEFAULT_PATH}`] };
  let state: StepState = { key: base.key, chainId: base.chainId };
  for (const [i, planned] of expanded.steps.entries()) {
    const ref: StepRef = {
      stage: index,
      ...(node.name === undefined ? {} : { stageName: node.name }),
      step: i,
      steps: expanded.steps.length,
      line: planned.line,
      instruction: planned.original,
    };
    session.emit({ type: "step", ...ref, status: "started" });
    let done;
    try {
      signal.throwIfAborted();
      done = await performStep(session, { index, platform }, planned, ref, state);
    } catch (err) {
      const aborted = signal.aborted;
      session.emit({ type: "step", ...ref, status: "failed", detail: aborted ? "cancelled" : (err as Error).message });
      throw aborted ? err : stepFailed(file, planned, err);
    }
    session.emit({ type: "step", ...ref, status: done.outcome === "cached" ? "cached" : "done" });
    if (done.layer !== undefined) layers.push(done.layer);
    const text = createdBy(planned, config);
    // A step without a layer of its own dates from the state it changes, so a rebuild from the
    // cache gives the same history (and image ID) as the build that filled it.
    const created = done.createdAt ?? history.at(-1)?.created ?? session.created;
    if (text !== undefined) history.push({ created, created_by: text, ...(done.layer === undefined ? { empty_layer: true } : {}) });
    if (planned.step.kind === "config") config = planned.step.config;
    state = { key: done.key, chainId: done.chainId };
    reports.push({ line: planned.line, instruction: planned.original, key: done.key, outcome: done.outcome });
  }

  const author = expanded.author ?? base.author;
  return {
    index,
    ...(node.name === undefined ? {} : { name: node.name }),
    platform: base.platform,
    key: state.key,
    chainId: state.chainId,
    config: expanded.config,
    ...(author === undefined ? {} : { author }),
    layers,
    history,
    steps: reports,
  };
}

async function stageBase(session: BuildSession, node: StageNode, platform: Platform): Promise<StageBaseState> {
  const base = node.base;
  switch (base.kind) {
    case "scratch":
      return { key: baseCacheKey({ kind: "scratch", platform }), chainId: undefined, config: undefined, layers: [], history: [], platform };
    case "stage": {
      const parent = await session.stage(base.index);
      return {
        key: baseCacheKey({ kind: "stage", key: parent.key }),
        chainId: parent.chainId,
        config: parent.config,
        layers: parent.layers,
        history: parent.history,
        platform: parent.platform,
        ...(parent.author === undefined ? {} : { author: parent.author }),
      };
    }
    case "image": {
      let image;
      try {
        image = await session.image(base.ref, platform);
      } catch (err) {
        if (session.signal.aborted) throw err;
        const file = session.plan.graph.file;
        throw new TstackError(kindOf(err), `${file}:${node.line}: FROM ${base.ref}: ${(err as Error).message}`, { cause: err });
      }
      const config = image.config;
      return {
        key: baseCacheKey({ kind: "image", digest: image.digest, platform }),
        chainId: image.chainId,
        config: config.config ?? {},
        layers: image.layers,
        history: config.history ?? [],
        platform: imagePlatform(config),
        ...(config.author === undefined ? {} : { author: config.author }),
      };
    }
  }
}
