// Normalising archive member names into safe relative paths. Pure. This is the first line of the
// "no entry escapes the target" rule; the second is each extractor's: the snapshotter's
// layer-tree.ts never writes through a symlink, the archive API's tar-in.ts resolves parents
// inside the container's rootfs.
import { invalidArgument } from "../errors.ts";

/**
 * Splits an archive name into path components relative to the layer root.
 * - Leading "/" and "./" are stripped, as Docker does: a layer is always relative to its root.
 * - Empty and "." components are dropped, so "a//b/./c/" is ["a", "b", "c"].
 * - Any ".." component is rejected, even when it would stay inside ("a/../b"): honest writers
 *   never produce it, and refusing is simpler to reason about than resolving.
 * - NUL bytes are rejected (they would truncate the name at the syscall).
 * Returns [] for the root itself ("./", "/").
 */
export function entryComponents(name: string, what = "entry"): string[] {
  if (name.includes("\0")) throw invalidArgument(`tar ${what} ${JSON.stringify(name)} contains a NUL byte`);
  const out: string[] = [];
  for (const part of name.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      throw invalidArgument(`tar ${what} ${JSON.stringify(name)} has a ".." component: refusing to write outside the target`);
    }
    out.push(part);
  }
  return out;
}

export const joinComponents = (parts: readonly string[]): string => parts.join("/");
