import type { Platform } from "../expand/platform.ts";
import type { BuildPlan } from "../plan-build.ts";
import type { BuildPorts, ResolvedImage } from "./ports.ts";
import type { BuildProgressEvent } from "./progress.ts";
import type { StageResult } from "./results.ts";

// What every part of one build shares: the plan, the ports, one abort signal (the caller's, or
// the first failure's), and the stages and images, each built or resolved once when first asked.

export interface BuildSession {
  readonly plan: BuildPlan;
  readonly ports: BuildPorts;
  readonly signal: AbortSignal;
  readonly noCache: boolean;
  /** Prefix of this build's snapshot keys. */
  readonly id: string;
  /** When the build started: the `created` of what has no earlier time to take (a scratch stage with only config steps). */
  readonly created: string;
  /** A stage's result, building it on first request (after what it depends on). */
  stage(index: number): Promise<StageResult>;
  /** An image, resolved once per ref and platform. */
  image(ref: string, platform: Platform): Promise<ResolvedImage>;
  emit(event: BuildProgressEvent): void;
}
