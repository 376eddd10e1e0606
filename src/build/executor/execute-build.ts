import { setMaxListeners } from "node:events";
import { TstackError } from "../../common/errors.ts";
import { formatPlatform, type Platform } from "../expand/platform.ts";
import type { BuildPlan } from "../plan-build.ts";
import type { BuildSession } from "./build-session.ts";
import { buildStage } from "./build-stage.ts";
import { imageConfig } from "./image-config.ts";
import type { BuildPorts, ResolvedImage } from "./ports.ts";
import type { BuildOutput, StageResult } from "./results.ts";

export interface ExecuteBuildOptions {
  /** Tags for the built image; none: an untagged image. */
  readonly tags?: readonly string[];
  /** Build every step again (results are still recorded in the cache). */
  readonly noCache?: boolean;
  /** Aborting stops the build: running steps are killed, their snapshots removed. */
  readonly signal?: AbortSignal;
}

/**
 * Builds a plan's target (planBuild's output; its warnings are the caller's to print). Every
 * selected stage starts at once and waits only for the stages it reads (its base, COPY --from,
 * RUN --mount from=), so independent stages run concurrently; stages outside the selection are
 * never touched. On the first failure the other stages are aborted, and once everything has
 * settled (every active snapshot removed) it rejects with that failure: a BuildStepError naming
 * the Dockerfile line for a step. On success the image is stored and tagged (images.store).
 */
export async function executeBuild(plan: BuildPlan, ports: BuildPorts, options: ExecuteBuildOptions = {}): Promise<BuildOutput> {
  const internal = new AbortController();
  setMaxListeners(0, internal.signal); // one listener per port call in flight
  const onOuterAbort = () => internal.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  if (options.signal?.aborted) onOuterAbort();

  let failure: { readonly error: unknown } | undefined;
  const stages = new Map<number, Promise<StageResult>>();
  const images = new Map<string, Promise<ResolvedImage>>();
  const session: BuildSession = {
    plan,
    ports,
    signal: internal.signal,
    noCache: options.noCache ?? false,
    id: ports.newId(),
    created: ports.now().toISOString(),
    emit: (event) => ports.onEvent?.(event),
    stage(index) {
      let result = stages.get(index);
      if (result === undefined) {
        result = buildStage(session, index).catch((error: unknown) => {
          // Once aborted, later errors are consequences (of the first failure, or of the caller's abort).
          if (!internal.signal.aborted) {
            failure = { error };
            internal.abort(error);
          }
          throw error;
        });
        stages.set(index, result);
      }
      return result;
    },
    image(ref: string, platform: Platform) {
      const id = `${ref}|${formatPlatform(platform)}`;
      let image = images.get(id);
      if (image === undefined) {
        image = ports.images.resolve(ref, platform, internal.signal);
        images.set(id, image);
      }
      return image;
    },
  };

  let results: PromiseSettledResult<StageResult>[];
  try {
    results = await Promise.allSettled(plan.selection.order.map((i) => session.stage(i)));
  } finally {
    options.signal?.removeEventListener("abort", onOuterAbort);
  }
  if (failure !== undefined) throw failure.error;
  if (options.signal?.aborted) throw options.signal.reason;
  const built = results.map((r) => {
    if (r.status === "rejected") throw r.reason;
    return r.value;
  });
  const target = built.find((s) => s.index === plan.selection.target);
  if (target === undefined) throw new TstackError("Internal", `the target stage ${plan.selection.target} was not built`);
  // The image dates from its newest history entry, not from this build: a build answered
  // wholly from the cache stores the same image (same ID) as the one that filled the cache.
  const config = imageConfig(target, target.history.at(-1)?.created ?? session.created);
  const { id } = await ports.images.store(config, target.layers, options.tags ?? [], internal.signal);
  return { imageId: id, config, layers: target.layers, history: target.history, target, stages: built };
}
