import { posix } from "node:path";
import { compareStrings } from "../../common/compare-strings.ts";
import type { Owner } from "./owner.ts";
import type { SourceEntry, TreeRef, WriteEntry } from "./ports.ts";
import type { SourceRoot } from "./source-select.ts";

// What a COPY/ADD writes, as BuildKit's copy (CopyDirContentsOnly, CreateDestPath) lays it out:
// - a directory root copies its contents into the destination, never the directory itself;
// - a file, symlink or heredoc goes to `dest` itself, or into it when `dest` ends in "/", names
//   an existing directory, or more than one thing is copied;
// - the destination and every missing parent are created (mode 0755) for the --chown owner;
// - owners: --chown, else root for the build context and heredocs, else the source's own;
//   --chmod replaces every mode;
// - ADD unpacks a source that is itself an archive file into the destination.
// Later sources win over earlier ones at the same path. The list is ordered parents first.

export type CopyItem =
  | { readonly kind: "tree"; readonly tree: TreeRef; readonly root: SourceRoot }
  | { readonly kind: "inline"; readonly name: string; readonly content: string };

export interface CopyInput {
  /** Absolute; a trailing "/" means "into this directory". */
  readonly dest: string;
  readonly items: readonly CopyItem[];
  /** `dest` is an existing directory of the rootfs (see needsDestStat). */
  readonly destIsDir: boolean;
  /** --chown, resolved. */
  readonly owner?: Owner;
  /** Without --chown: keep the sources' owners (a rootfs), or give everything to root (the context). */
  readonly keepOwner: boolean;
  readonly chmod?: number;
  readonly unpack: boolean;
}

const DIR_MODE = 0o755;
const INLINE_MODE = 0o644;

/** Whether copyEntries' answer depends on destIsDir: one file-like thing copied to a path without a trailing "/". */
export function needsDestStat(dest: string, items: readonly CopyItem[]): boolean {
  const [only] = items;
  if (dest.endsWith("/") || items.length !== 1 || only === undefined) return false;
  return only.kind === "inline" || only.root.entries[0]?.type !== "dir";
}

export function copyEntries(input: CopyInput): WriteEntry[] {
  const destPath = input.dest.replace(/\/+$/, "") || "/";
  const into = input.dest.endsWith("/") || input.items.length > 1 || input.destIsDir;
  const created = input.owner ?? { uid: 0, gid: 0 };
  const ownerOf = (e: SourceEntry): Owner => input.owner ?? (input.keepOwner ? { uid: e.uid, gid: e.gid } : { uid: 0, gid: 0 });
  const out = new Map<string, WriteEntry>();
  const put = (entry: WriteEntry) => out.set(entry.path, entry);

  const fromTree = (tree: TreeRef, e: SourceEntry, path: string, unpack: boolean): WriteEntry => {
    const owner = ownerOf(e);
    switch (e.type) {
      case "dir":
        return { type: "dir", path, mode: input.chmod ?? e.mode & 0o7777, ...owner, existing: "update" };
      case "symlink":
        return { type: "symlink", path, ...owner, target: e.linkTarget };
      case "file":
        return {
          type: "file",
          path,
          mode: input.chmod ?? e.mode & 0o7777,
          ...owner,
          content: { kind: "tree", tree, path: e.path, digest: e.contentDigest, size: e.size },
          ...(unpack ? { unpackTo: destPath } : {}),
        };
    }
  };

  for (const item of input.items) {
    if (item.kind === "inline") {
      const path = into ? posix.join(destPath, item.name) : destPath;
      put({ type: "file", path, mode: input.chmod ?? INLINE_MODE, ...created, content: { kind: "inline", data: item.content } });
      continue;
    }
    const [root, ...below] = item.root.entries;
    if (root === undefined) continue;
    if (root.type === "dir") {
      put({ type: "dir", path: destPath, mode: DIR_MODE, ...created, existing: "keep" });
      const base = item.root.path;
      for (const e of below) put(fromTree(item.tree, e, posix.join(destPath, base === "." ? e.path : e.path.slice(base.length + 1)), false));
    } else {
      const path = into ? posix.join(destPath, posix.basename(item.root.path)) : destPath;
      put(fromTree(item.tree, root, path, input.unpack && root.type === "file"));
    }
  }

  for (const path of [...out.keys()])
    for (let dir = posix.dirname(path); dir !== "/" && !out.has(dir); dir = posix.dirname(dir))
      put({ type: "dir", path: dir, mode: DIR_MODE, ...created, existing: "keep" });
  out.delete("/");
  return [...out.values()].sort((a, b) => compareStrings(a.path, b.path));
}
