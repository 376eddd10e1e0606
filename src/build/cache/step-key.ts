import { createHash } from "node:crypto";
import { TstackError } from "../../common/errors.ts";
import { canonicalJson } from "../../compose/model/canonical-json.ts";
import { formatPlatform, type Platform } from "../expand/platform.ts";
import type { PlannedStep } from "../expand/step.ts";

// Build cache keys, as a chain: a stage starts from its base's key, and each step's key is
//   sha256(canonical JSON of { version, parent key, the step's keyForm, its input digests })
// where keyForm is the step after expansion (proxy ARGs left as `$NAME`), so a key covers exactly
// the build args and env the step uses: the values it expanded, and for RUN its whole process
// environment (ENV and the stage's ARGs, as Docker does), never a proxy. Source lines are not in
// it (moving an instruction does not rebuild). Inputs are content digests the executor computes
// (copySourceDigest): what COPY/ADD read, and each bind mount of a RUN. Changing any of this
// changes every key: the golden tests pin it.

const VERSION = "tstack-build-cache/1";

export type BaseKeyInput =
  /** A pulled image, by its manifest (or config) digest. */
  | { readonly kind: "image"; readonly digest: string; readonly platform: Platform }
  | { readonly kind: "scratch"; readonly platform: Platform }
  /** Another stage: the key of its last step (or of its base, when it has no step). */
  | { readonly kind: "stage"; readonly key: string };

export interface StepInputs {
  /** COPY/ADD with at least one path source: the digest of what they read. */
  readonly sources?: string;
  /** RUN: one digest per bind mount, in mount order. */
  readonly bindMounts?: readonly string[];
}

export function baseCacheKey(base: BaseKeyInput): string {
  switch (base.kind) {
    case "image":
      return sha(canonicalJson({ v: VERSION, base: "image", digest: base.digest, platform: formatPlatform(base.platform) }));
    case "scratch":
      return sha(canonicalJson({ v: VERSION, base: "scratch", platform: formatPlatform(base.platform) }));
    case "stage":
      return base.key;
  }
}

export function stepCacheKey(parent: string, planned: PlannedStep, inputs: StepInputs = {}): string {
  const step = planned.keyForm;
  const needsSources = (step.kind === "copy" || step.kind === "add") && step.sources.some((s) => s.kind === "path");
  if (needsSources !== (inputs.sources !== undefined))
    throw new TstackError("Internal", `${planned.original}: source digest ${needsSources ? "missing" : "given for a step that reads none"}`);
  const binds = step.kind === "run" ? step.mounts.filter((m) => m.type === "bind").length : 0;
  if ((inputs.bindMounts?.length ?? 0) !== binds)
    throw new TstackError("Internal", `${planned.original}: ${binds} bind mount digests expected, ${inputs.bindMounts?.length ?? 0} given`);
  return sha(canonicalJson({ v: VERSION, parent, step, sources: inputs.sources, bindMounts: inputs.bindMounts }));
}

function sha(text: string): string {
  return `sha256:${createHash("sha256").update(text).digest("hex")}`;
}
