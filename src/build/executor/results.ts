import type { Platform } from "../expand/platform.ts";
import type { BuildImageConfig } from "../expand/step.ts";
import type { BuildLayer, HistoryEntry, OciImageConfig } from "./ports.ts";

// What a build returns: the target image (config JSON, the manifest's layers, its history) and
// every stage it built, step by step, so a caller can print, test or reuse them.

export interface StepReport {
  readonly line: number;
  readonly instruction: string;
  /** This step's cache key. */
  readonly key: string;
  /** "cached": reused from the cache; "built": performed (a layer, or a WORKDIR that existed); "config": image config only. */
  readonly outcome: "cached" | "built" | "config";
}

export interface StageResult {
  readonly index: number;
  readonly name?: string;
  /** The base image's platform, else the stage's. */
  readonly platform: Platform;
  /** The cache key of its last step (its base's when it has none): a child stage's base key. */
  readonly key: string;
  /** The committed rootfs after its last step; undefined for an empty one. */
  readonly chainId: string | undefined;
  readonly config: BuildImageConfig;
  readonly author?: string;
  /** The base's layers, then this stage's, bottom first. */
  readonly layers: readonly BuildLayer[];
  readonly history: readonly HistoryEntry[];
  readonly steps: readonly StepReport[];
}

export interface BuildOutput {
  /** The stored image's ID (its config digest). */
  readonly imageId: string;
  readonly config: OciImageConfig;
  /** The manifest's layers, bottom first; `config.rootfs.diff_ids` names the same. */
  readonly layers: readonly BuildLayer[];
  readonly history: readonly HistoryEntry[];
  /** The target stage's result. */
  readonly target: StageResult;
  /** Every stage built, in build order. */
  readonly stages: readonly StageResult[];
}
