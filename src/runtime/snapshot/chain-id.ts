// OCI chain IDs: chainID(L0) = diffID(L0); chainID(Ln) = sha256(chainID(Ln-1) + " " + diffID(Ln)).
// A chain ID names a stack of layers, so a snapshot keyed by it is valid only on top of its parents.
import { createHash } from "node:crypto";
import { invalidArgument } from "../../common/errors.ts";

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function assertDigest(value: string, what: string): void {
  if (!DIGEST.test(value)) throw invalidArgument(`${what} ${JSON.stringify(value)} is not a sha256 digest`);
}

/** Chain IDs for diff IDs ordered bottom layer first; same order out. */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  let prev: string | undefined;
  for (const diffId of diffIds) {
    assertDigest(diffId, "diffID");
    const id: string =
      prev === undefined ? diffId : `sha256:${createHash("sha256").update(`${prev} ${diffId}`).digest("hex")}`;
    out.push(id);
    prev = id;
  }
  return out;
}

export const digestHex = (digest: string): string => digest.slice("sha256:".length);

/** The chain ID of a layer `diffId` on top of the chain `parent` (none: a bottom layer). */
export function childChainId(parent: string | undefined, diffId: string): string {
  if (parent !== undefined) assertDigest(parent, "parent chain ID");
  return chainIds(parent === undefined ? [diffId] : [parent, diffId]).at(-1) as string;
}
