// Which directories carry overlayfs' opaque mark (xattr trusted.overlay.opaque=y), read for many
// directories in one getfattr process.
import type { ProcessRunner } from "../../common/spawn/process-runner.ts";
import { OVERLAY_OPAQUE_XATTR } from "./whiteout.ts";
import { getfattrReader, type XattrReader } from "./xattr-read.ts";

/**
 * Returns the subset of `dirs` (absolute host paths) that are opaque. A path that vanished
 * meanwhile (a running container's upper dir changes under us) simply is not opaque.
 */
export type OpaqueProbe = (dirs: readonly string[]) => Promise<ReadonlySet<string>>;

/** The opaque mark's value, as overlayfs writes it. */
export const isOpaqueMark = (value: Buffer | undefined): boolean => value !== undefined && value.equals(OPAQUE_VALUE);
const OPAQUE_VALUE = Buffer.from("y");

export function xattrOpaqueProbe(read: XattrReader): OpaqueProbe {
  const pattern = `^${OVERLAY_OPAQUE_XATTR.replaceAll(".", "\\.")}$`;
  return async (dirs) => {
    const found = new Set<string>();
    for (const [path, attrs] of await read(dirs, pattern)) {
      if (isOpaqueMark(attrs.get(OVERLAY_OPAQUE_XATTR))) found.add(path);
    }
    return found;
  };
}

export function getfattrOpaqueProbe(runner: ProcessRunner): OpaqueProbe {
  return xattrOpaqueProbe(getfattrReader(runner));
}
