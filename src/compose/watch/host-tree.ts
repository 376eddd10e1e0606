import type { Stats } from "node:fs";
import { lstat, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { compareStrings } from "../../common/compare-strings.ts";
import type { PathFilter } from "./path-filter.ts";

export interface HostEntry {
  readonly path: string;
  readonly stat: Stats;
}

/** The error of a path that is not there (any more). */
export const isGone = (err: unknown): boolean => ["ENOENT", "ENOTDIR"].includes((err as NodeJS.ErrnoException).code ?? "");

/** lstat, or undefined when the path is gone. */
export function lstatOrGone(path: string): Promise<Stats | undefined> {
  return lstat(path).catch((err: unknown) => (isGone(err) ? undefined : Promise.reject(err)));
}

function statOrGone(path: string): Promise<Stats | undefined> {
  return stat(path).catch((err: unknown) => (isGone(err) ? undefined : Promise.reject(err)));
}

/**
 * The path and, when it is a directory, everything below it that the filter accepts: parents
 * before their children, names sorted, symlinks not followed, directories nothing can be accepted
 * under not read. What vanishes during the walk is left out.
 */
export async function* acceptedTree(path: string, filter: PathFilter): AsyncGenerator<HostEntry> {
  // A rule's own path may be a symlink (to a shared directory): that one is followed.
  const stat = path === filter.root ? await statOrGone(path) : await lstatOrGone(path);
  if (stat === undefined) return;
  const isDir = stat.isDirectory();
  if (!filter.accepts(path, isDir)) return;
  yield { path, stat };
  if (!isDir || !filter.mayAcceptUnder(path)) return;
  const names = await readdir(path).catch((err: unknown) => (isGone(err) ? [] : Promise.reject(err)));
  for (const name of names.sort(compareStrings)) yield* acceptedTree(join(path, name), filter);
}
