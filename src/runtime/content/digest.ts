import { createHash } from "node:crypto";
import { invalidArgument } from "../../common/errors.ts";

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export type Digest = `sha256:${string}`;

export function isDigest(s: string): s is Digest {
  return DIGEST_RE.test(s);
}

// Only sha256 is stored; other algorithms are refused rather than half-supported.
export function parseDigest(s: string): Digest {
  if (!isDigest(s)) throw invalidArgument(`invalid digest ${JSON.stringify(s)}: expected sha256:<64 hex>`);
  return s;
}

export function digestHex(d: Digest): string {
  return d.slice("sha256:".length);
}

export function sha256Digest(data: string | Uint8Array): Digest {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}
