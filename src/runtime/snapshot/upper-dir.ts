// Reads an overlay upper dir (a container's writable layer, or a snapshot's directory): first as
// the nodes found there with their metadata (walkUpperDir), then as classified entries
// (readUpperDir). This is overlay form only; what the entries mean relative to the layers below
// is upper-changes.ts's business, and turning them back into OCI form (".wh." names) is
// layer-members.ts's. Both start here.
import { constants, type Stats } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import type { OpaqueProbe } from "./opaque-probe.ts";

/**
 * One entry of an upper dir, `path` absolute inside the container ("/etc/passwd").
 *   whiteout    a 0/0 character device: the path was deleted from the layers below
 *   opaque-dir  a directory hiding whatever the layers below have at its path (rm -rf + mkdir)
 *   dir         a directory merged with the layers below
 *   file        anything else: regular file, symlink, device, fifo, socket
 */
export type UpperEntry =
  | { readonly kind: "whiteout"; readonly path: string }
  | { readonly kind: "opaque-dir"; readonly path: string }
  | { readonly kind: "dir"; readonly path: string }
  | { readonly kind: "file"; readonly path: string };

/** One node of an upper dir as found: `path` absolute inside the container, its lstat. */
export interface UpperNode {
  readonly path: string;
  readonly st: Stats;
}

export interface ReadUpperDirOptions {
  readonly opaque: OpaqueProbe;
}

/** Overlay's whiteout: a character device with device number 0/0. */
export function isWhiteout(st: Pick<Stats, "mode" | "rdev">): boolean {
  return (st.mode & constants.S_IFMT) === constants.S_IFCHR && st.rdev === 0;
}

/**
 * Every node under `upperDir` (the root itself excluded), parents before children and siblings
 * by name, so the order is stable and a tar writer can emit it as is. Nodes that vanish while
 * we read (a running container) are left out rather than failing the walk.
 */
export async function walkUpperDir(upperDir: string): Promise<readonly UpperNode[]> {
  const found: UpperNode[] = [];
  const walk = async (hostDir: string, containerDir: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(hostDir);
    } catch (err) {
      if (vanished(err)) return;
      throw err;
    }
    for (const name of names.sort()) {
      const host = join(hostDir, name);
      const path = containerDir === "/" ? `/${name}` : `${containerDir}/${name}`;
      let st: Stats;
      try {
        st = await lstat(host);
      } catch (err) {
        if (vanished(err)) continue;
        throw err;
      }
      found.push({ path, st });
      if (st.isDirectory()) await walk(host, path);
    }
  };
  await walk(upperDir, "/");
  return found;
}

/** The upper dir's entries in walkUpperDir's order, classified; opaque marks from the probe. */
export async function readUpperDir(upperDir: string, options: ReadUpperDirOptions): Promise<readonly UpperEntry[]> {
  const found = (await walkUpperDir(upperDir)).map(({ path, st }) => ({
    path,
    kind: isWhiteout(st) ? ("whiteout" as const) : st.isDirectory() ? ("dir" as const) : ("file" as const),
  }));
  const dirs = found.filter((e) => e.kind === "dir");
  const opaque = await options.opaque(dirs.map((e) => join(upperDir, e.path)));
  return found.map((e): UpperEntry =>
    e.kind === "dir" && opaque.has(join(upperDir, e.path)) ? { kind: "opaque-dir", path: e.path } : { kind: e.kind, path: e.path },
  );
}

function vanished(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}
