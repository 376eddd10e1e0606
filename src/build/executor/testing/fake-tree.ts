import { createHash } from "node:crypto";
import { posix } from "node:path";
import { compareStrings } from "../../../common/compare-strings.ts";
import type { DockerIgnore } from "../../context/dockerignore.ts";
import type { SourceEntry } from "../ports.ts";

// An in-memory file tree for the executor's fakes: absolute paths → nodes, "/" always a
// directory. The fake snapshotter keeps one per snapshot; the fake context is one.

export type FakeNode =
  | { readonly type: "file"; readonly mode: number; readonly uid: number; readonly gid: number; readonly content: string; readonly mtime?: number }
  | { readonly type: "dir"; readonly mode: number; readonly uid: number; readonly gid: number }
  | { readonly type: "symlink"; readonly uid: number; readonly gid: number; readonly target: string };

export type FakeTree = Map<string, FakeNode>;

export const sha256 = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

export const dirNode = (mode = 0o755, uid = 0, gid = 0): FakeNode => ({ type: "dir", mode, uid, gid });
export const fileNode = (content: string, mode = 0o644, uid = 0, gid = 0): FakeNode => ({ type: "file", mode, uid, gid, content });

export function emptyTree(): FakeTree {
  return new Map([["/", dirNode()]]);
}

/** A tree from `{ "/etc/passwd": "root:x:0:0::/root:/bin/sh", "/bin": dirNode() }`, parents made as needed. */
export function treeFrom(files: Readonly<Record<string, string | FakeNode>>): FakeTree {
  const tree = emptyTree();
  for (const [path, node] of Object.entries(files)) setNode(tree, path, typeof node === "string" ? fileNode(node) : node);
  return tree;
}

export function setNode(tree: FakeTree, path: string, node: FakeNode): void {
  for (let dir = posix.dirname(path); !tree.has(dir); dir = posix.dirname(dir)) tree.set(dir, dirNode());
  tree.set(path, node);
}

export function removeTree(tree: FakeTree, path: string): void {
  for (const p of [...tree.keys()]) if (p === path || p.startsWith(`${path}/`)) tree.delete(p);
}

/** `path` with every symlink on the way (and at the end, unless `lstat`) followed, never above "/". */
export function resolvePath(tree: FakeTree, path: string, lstat = false): string {
  let out = "/";
  const todo = path.split("/").filter((p) => p !== "");
  for (let hops = 0; todo.length > 0; ) {
    const part = todo.shift() ?? "";
    const next = part === ".." ? posix.dirname(out) : posix.join(out, part);
    const node = tree.get(next);
    if (node?.type === "symlink" && !(lstat && todo.length === 0)) {
      if (++hops > 40) throw new Error(`too many symlinks at ${path}`);
      todo.unshift(...node.target.split("/").filter((p) => p !== ""));
      if (node.target.startsWith("/")) out = "/";
      continue;
    }
    out = next;
  }
  return out;
}

/**
 * The entries at and below `under` (tree-relative; symlinks followed in its parents only), as a
 * walker reports them. With a context's ignore rules, an excluded path is left out and a
 * directory nothing can be included under is not even listed (`visited` records what was).
 */
export function walkTree(tree: FakeTree, under: string, ignore?: DockerIgnore, visited?: string[]): SourceEntry[] {
  const start = under === "." ? "/" : posix.join(resolvePath(tree, posix.dirname(`/${under}`)), posix.basename(under));
  const out: SourceEntry[] = [];
  const visit = (abs: string, path: string) => {
    const node = tree.get(abs);
    if (node === undefined) return;
    const excluded = ignore !== undefined && path !== "." && ignore.excludes(path);
    if (!excluded) out.push(entryOf(path, node));
    if (node.type !== "dir" || (excluded && !ignore?.mayIncludeUnder(path))) return;
    visited?.push(path);
    const children = [...tree.keys()].filter((p) => p !== abs && posix.dirname(p) === abs).sort(compareStrings);
    for (const child of children) visit(child, path === "." ? posix.basename(child) : `${path}/${posix.basename(child)}`);
  };
  visit(start, under);
  return out;
}

function entryOf(path: string, node: FakeNode): SourceEntry {
  switch (node.type) {
    case "file": {
      // A real walker may report more (mtime): the executor must not let it reach a key.
      const extra = node.mtime === undefined ? {} : { mtime: node.mtime };
      return { ...extra, path, type: "file", mode: node.mode, uid: node.uid, gid: node.gid, size: Buffer.byteLength(node.content), contentDigest: sha256(node.content) };
    }
    case "dir":
      return { path, type: "dir", mode: node.mode, uid: node.uid, gid: node.gid };
    case "symlink":
      return { path, type: "symlink", mode: 0o777, uid: node.uid, gid: node.gid, linkTarget: node.target };
  }
}
