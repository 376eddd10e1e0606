import { dataLoss } from "../../common/errors.ts";
import { isDigest, type Digest } from "../../runtime/content/digest.ts";
import type { ImageRuntimeConfig } from "../../runtime/registry/manifest-types.ts";
import type { Platform } from "../expand/platform.ts";
import type { BuildImageConfig } from "../expand/step.ts";
import type { OciImageConfig } from "./ports.ts";
import type { StageResult } from "./results.ts";

// The image config JSON of a built stage (what storeImage hashes into the image ID): its
// platform, author, runtime config, rootfs.diff_ids (one per layer, bottom first) and history
// (one entry per step that records one, `empty_layer` where it added no layer).

export function imageConfig(stage: StageResult, created: string): OciImageConfig {
  const { os, architecture, variant } = stage.platform;
  return {
    architecture,
    os,
    ...(variant ? { variant } : {}),
    created,
    ...(stage.author === undefined ? {} : { author: stage.author }),
    config: runtimeConfig(stage.config),
    rootfs: { type: "layers", diff_ids: stage.layers.map((l) => digest(l.diffId)) },
    history: stage.history,
  };
}

/** An image's platform as its config states it. */
export function imagePlatform(config: OciImageConfig): Platform {
  return { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
}

// The image format has no null Env or Volumes (Cmd, Entrypoint, Labels and OnBuild may be null).
function runtimeConfig(c: BuildImageConfig): ImageRuntimeConfig {
  const { Env, Volumes, ...rest } = c;
  return { ...rest, ...(Env ? { Env } : {}), ...(Volumes ? { Volumes } : {}) };
}

function digest(d: string): Digest {
  if (!isDigest(d)) throw dataLoss(`layer diffID ${JSON.stringify(d)} is not a sha256 digest`);
  return d;
}
