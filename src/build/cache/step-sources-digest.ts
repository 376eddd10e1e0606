import { createHash } from "node:crypto";
import { canonicalJson } from "../../compose/model/canonical-json.ts";

// The `sources` input of a COPY/ADD cache key (StepInputs.sources) when it reads several
// sources: one copySourceDigest per path source, in the order written, combined. Contract
// (pinned by a golden test): sha256 of canonical JSON { v, sources: [digest, ...] }; the order
// matters, since a later source wins where two write the same path.

const VERSION = "tstack-step-sources/1";

export function stepSourcesDigest(perSource: readonly string[]): string {
  return `sha256:${createHash("sha256").update(canonicalJson({ v: VERSION, sources: perSource })).digest("hex")}`;
}
