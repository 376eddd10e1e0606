import { createHash } from "node:crypto";
import { constants, type Stats } from "node:fs";
import { lstat, open, readdir, readlink } from "node:fs/promises";
import { posix } from "node:path";
import type { SourceEntry } from "../../build/executor/ports.ts";
import type { DockerIgnore } from "../../build/context/dockerignore.ts";
import { compareStrings } from "../../common/compare-strings.ts";
import { resolveInRootfs } from "../containers/rootfs-path.ts";

// A directory walked as a build source tree (the context, or a mounted committed rootfs): the
// entries at and below `under`, each regular file hashed while it is read, in path order.
// Symlinks in the parents of `under` are followed inside the root (never out of it); below it
// they are reported, not followed. Devices, fifos and sockets are left out and never opened.
// With an ignore matcher an excluded path is not reported, and a directory nothing can be
// included under is not even listed.

export interface TreeWalkOptions {
  readonly ignore?: DockerIgnore;
  readonly signal: AbortSignal;
  /** Observes each file read and each directory listed (tree-relative): tests count them. */
  readonly observe?: (event: { readonly kind: "read" | "list"; readonly path: string }) => void;
}

export async function* walkTree(root: string, under: string, o: TreeWalkOptions): AsyncGenerator<SourceEntry> {
  const start = under === "." ? root : posix.join(await resolveInRootfs(root, posix.dirname(`/${under}`)), posix.basename(under));
  const st = await lstat(start).catch(() => undefined);
  if (st === undefined) return;
  yield* visit(start, under, st, o);
}

async function* visit(host: string, path: string, st: Stats, o: TreeWalkOptions): AsyncGenerator<SourceEntry> {
  o.signal.throwIfAborted();
  const excluded = o.ignore !== undefined && path !== "." && o.ignore.excludes(path);
  const common = { path, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  if (st.isFile()) {
    if (excluded) return;
    o.observe?.({ kind: "read", path });
    const { size, digest } = await hashFile(host);
    yield { ...common, type: "file", size, contentDigest: digest };
    return;
  }
  if (st.isSymbolicLink()) {
    if (!excluded) yield { ...common, type: "symlink", linkTarget: await readlink(host) };
    return;
  }
  if (!st.isDirectory()) return;
  if (!excluded) yield { ...common, type: "dir" };
  if (excluded && o.ignore?.mayIncludeUnder(path) === false) return;
  o.observe?.({ kind: "list", path });
  const names = (await readdir(host)).sort(compareStrings);
  for (const name of names) {
    const child = posix.join(host, name);
    const cst = await lstat(child).catch(() => undefined);
    if (cst === undefined) continue; // gone while walking
    yield* visit(child, path === "." ? name : `${path}/${name}`, cst, o);
  }
}

/** sha256 and size of a regular file, opened without following a symlink (it may have been swapped in). */
export async function hashFile(host: string): Promise<{ readonly size: number; readonly digest: string }> {
  const fh = await open(host, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const hash = createHash("sha256");
    const buf = Buffer.allocUnsafe(256 * 1024);
    let size = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      size += bytesRead;
    }
    return { size, digest: `sha256:${hash.digest("hex")}` };
  } finally {
    await fh.close();
  }
}
