// What a writable layer changed relative to the image below it: the list `docker diff` shows.
//
// Docker has two answers for an opaque directory (`rm -rf /d && mkdir /d`): its overlay2 driver
// reports "D /d" followed by the new children, while its containerd image store, which compares
// the two mounted trees, reports "C /d", a "D" for each child the image had there and an "A"/"C"
// for each child now present. We give the second: the directory still exists, and every entry
// of the list names a path that was really added, changed or removed.
import { posix } from "node:path";
import type { LowerView } from "./lower-view.ts";
import type { UpperEntry } from "./upper-dir.ts";

export type ChangeKind = "modified" | "added" | "deleted";

export interface FsChange {
  /** Absolute inside the container. */
  readonly path: string;
  readonly kind: ChangeKind;
}

export interface UpperChangesOptions {
  readonly lower: LowerView;
  /**
   * Container paths the engine itself puts into the rootfs (mount points, /etc/hosts, …). Neither
   * they nor anything below them is reported, and a directory holding them is reported only when
   * something else in it changed: Docker keeps such paths in an "init" layer under the container's.
   */
  readonly ignore?: readonly string[];
}

/**
 * The changes of an upper dir (entries from readUpperDir) against the layers below, sorted by
 * path with a directory right before its contents. Every ancestor of a change is itself reported,
 * as modified when the image has it (Docker shows "C /etc" for a change under /etc).
 */
export async function upperChanges(entries: readonly UpperEntry[], options: UpperChangesOptions): Promise<readonly FsChange[]> {
  const ignore = (options.ignore ?? []).map(cleanPath).filter((p) => p !== "/");
  const ignored = (p: string) => ignore.some((i) => p === i || p.startsWith(`${i}/`));
  const holdsIgnored = (p: string) => ignore.some((i) => i.startsWith(`${p}/`));
  const kept = entries.filter((e) => !ignored(e.path));

  const inLower = await lowerPresence(kept, options.lower);
  const upperPaths = new Set(kept.map((e) => e.path));
  const upperDirs = new Set(kept.filter((e) => e.kind === "dir" || e.kind === "opaque-dir").map((e) => e.path));
  const changes = new Map<string, ChangeKind>();
  const presentKind = (path: string): ChangeKind => (inLower.has(path) ? "modified" : "added");

  for (const e of kept) {
    switch (e.kind) {
      case "whiteout":
        changes.set(e.path, "deleted");
        break;
      case "file":
        changes.set(e.path, presentKind(e.path));
        break;
      case "dir":
        // A directory merely holding the engine's files was copied up for them, not by the container.
        if (!holdsIgnored(e.path)) changes.set(e.path, presentKind(e.path));
        break;
      case "opaque-dir":
        changes.set(e.path, presentKind(e.path));
        if (inLower.has(e.path)) {
          for (const name of await options.lower.list(e.path)) {
            const child = posix.join(e.path, name);
            if (!upperPaths.has(child) && !ignored(child)) changes.set(child, "deleted");
          }
        }
        break;
      default: {
        const never: never = e;
        throw new Error(`unexpected upper entry ${JSON.stringify(never)}`);
      }
    }
  }

  for (const path of [...changes.keys()]) {
    for (let dir = posix.dirname(path); dir !== "/"; dir = posix.dirname(dir)) {
      if (changes.has(dir)) continue;
      // Overlay copies a directory up before anything in it changes, so an ancestor missing from
      // the upper dir can only be an image directory.
      changes.set(dir, upperDirs.has(dir) ? presentKind(dir) : "modified");
    }
  }

  return [...changes].map(([path, kind]) => ({ path, kind })).sort((a, b) => comparePaths(a.path, b.path));
}

/** Orders paths component by component, so "/a/b" sorts before "/a-b" as in a tree walk. */
export function comparePaths(a: string, b: string): number {
  const ka = a.replaceAll("/", "\u0000");
  const kb = b.replaceAll("/", "\u0000");
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

// Which entries the image has. Asked one depth at a time, because nothing below a directory the
// image lacks can be in the image: a container that fills a new directory costs one lookup.
async function lowerPresence(entries: readonly UpperEntry[], lower: LowerView): Promise<ReadonlySet<string>> {
  const byDepth = new Map<number, UpperEntry[]>();
  for (const e of entries) {
    if (e.kind === "whiteout") continue;
    const depth = e.path.split("/").length;
    const level = byDepth.get(depth);
    if (level) level.push(e);
    else byDepth.set(depth, [e]);
  }
  const present = new Set<string>();
  const newDirs = new Set<string>();
  for (const depth of [...byDepth.keys()].sort((x, y) => x - y)) {
    const level = byDepth.get(depth) ?? [];
    const ask = level.filter((e) => !newDirs.has(posix.dirname(e.path))).map((e) => e.path);
    const found = ask.length > 0 ? await lower.existing(ask) : new Set<string>();
    for (const e of level) {
      if (found.has(e.path)) present.add(e.path);
      else if (e.kind !== "file") newDirs.add(e.path);
    }
  }
  return present;
}

function cleanPath(p: string): string {
  const n = posix.normalize(`/${p}`);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
}
