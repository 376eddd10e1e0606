import { posix } from "node:path";
import { compareStrings } from "../../../common/compare-strings.ts";
import { conflict, failedPrecondition, notFound } from "../../../common/errors.ts";
import { canonicalJson } from "../../../compose/model/canonical-json.ts";
import { childChainId } from "../../../runtime/snapshot/chain-id.ts";
import type { BuildSnapshots, CommittedSnapshot, FileContent, PathInfo, SourceEntry, TreeRef, WriteEntry } from "../ports.ts";
import { emptyTree, removeTree, resolvePath, sha256, walkTree, type FakeNode, type FakeTree } from "./fake-tree.ts";

// The snapshotter in memory: each snapshot holds its whole tree (a committed one its merged
// view). commit() diffs the active tree against its parent's (deletions become whiteouts), so a
// layer's diffID is a digest of its changes and equal changes give equal chains, as for real.

interface Committed {
  readonly parent: string | undefined;
  readonly tree: FakeTree;
  readonly diffId: string;
  readonly changes: readonly Change[];
}

export type Change = { readonly path: string; readonly node: FakeNode } | { readonly path: string; readonly whiteout: true };

export class FakeSnapshots implements BuildSnapshots {
  readonly committed = new Map<string, Committed>();
  readonly active = new Map<string, { readonly parent: string | undefined; readonly tree: FakeTree }>();
  /** Every call: "prepare key", "commit key", "remove key", "write key". */
  readonly log: string[] = [];

  constructor(private readonly contextTree: () => FakeTree) {}

  async prepare(key: string, parent: string | undefined, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.active.has(key)) throw conflict(`snapshot ${key} already exists`);
    this.log.push(`prepare ${key}`);
    this.active.set(key, { parent, tree: new Map(this.treeOf(parent)) });
  }

  async writeFiles(key: string, entries: readonly WriteEntry[], signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const { tree } = this.need(key);
    this.log.push(`write ${key}`);
    for (const e of entries) {
      const parent = resolvePath(tree, posix.dirname(e.path));
      if (tree.get(parent)?.type !== "dir") throw failedPrecondition(`writeFiles: ${posix.dirname(e.path)} is not a directory`);
      const path = posix.join(parent, posix.basename(e.path));
      const existing = tree.get(path);
      switch (e.type) {
        case "dir":
          if (existing?.type === "dir" && e.existing === "keep") break;
          if (existing !== undefined && existing.type !== "dir") removeTree(tree, path);
          tree.set(path, { type: "dir", mode: e.mode, uid: e.uid, gid: e.gid });
          break;
        case "file":
          if (existing?.type === "dir") throw failedPrecondition(`writeFiles: ${path} is a directory`);
          tree.set(path, { type: "file", mode: e.mode, uid: e.uid, gid: e.gid, content: this.content(e.content) });
          break;
        case "symlink":
          if (existing?.type === "dir") throw failedPrecondition(`writeFiles: ${path} is a directory`);
          tree.set(path, { type: "symlink", uid: e.uid, gid: e.gid, target: e.target });
          break;
      }
    }
  }

  async commit(key: string, signal: AbortSignal): Promise<CommittedSnapshot> {
    signal.throwIfAborted();
    const { parent, tree } = this.need(key);
    this.log.push(`commit ${key}`);
    const made = this.store(parent, tree);
    this.active.delete(key);
    return made;
  }

  async remove(key: string): Promise<void> {
    if (!this.active.delete(key)) throw notFound(`snapshot ${key} not found`);
    this.log.push(`remove ${key}`);
  }

  async stat(chainId: string | undefined, path: string): Promise<PathInfo | undefined> {
    const node = this.treeOf(chainId).get(resolvePath(this.treeOf(chainId), path));
    return node === undefined ? undefined : { type: node.type === "dir" ? "dir" : node.type === "file" ? "file" : "other" };
  }

  async readFile(chainId: string | undefined, path: string): Promise<Uint8Array | undefined> {
    const node = this.treeOf(chainId).get(resolvePath(this.treeOf(chainId), path));
    return node?.type === "file" ? Buffer.from(node.content) : undefined;
  }

  async *walk(chainId: string, under: string): AsyncGenerator<SourceEntry> {
    yield* walkTree(this.needCommitted(chainId).tree, under);
  }

  /** Commits `tree` over `parent` directly (an image's layer). */
  store(parent: string | undefined, tree: FakeTree): CommittedSnapshot {
    const changes = diffTrees(this.treeOf(parent), tree);
    const diffId = sha256(canonicalJson(changes));
    const chainId = childChainId(parent, diffId);
    if (!this.committed.has(chainId)) this.committed.set(chainId, { parent, tree: new Map(tree), diffId, changes });
    const size = canonicalJson(changes).length;
    return { chainId, diffId, size, blob: { digest: sha256(`gzip ${diffId}`), size } };
  }

  /** A committed rootfs (undefined: the empty one). */
  treeOf(chainId: string | undefined): FakeTree {
    return chainId === undefined ? emptyTree() : this.needCommitted(chainId).tree;
  }

  /** A file's content in a committed rootfs, for assertions. */
  fileAt(chainId: string | undefined, path: string): string | undefined {
    const node = this.treeOf(chainId).get(path);
    return node?.type === "file" ? node.content : undefined;
  }

  /** The active snapshot `key`'s tree: what a container on it sees and changes. */
  activeTree(key: string): FakeTree {
    return this.need(key).tree;
  }

  private content(c: FileContent): string {
    if (c.kind === "inline") return c.data;
    const node = this.treeAt(c.tree).get(resolvePath(this.treeAt(c.tree), `/${c.path}`, true));
    if (node?.type !== "file") throw notFound(`writeFiles: source ${c.path} is not a file`);
    if (sha256(node.content) !== c.digest) throw failedPrecondition(`writeFiles: source ${c.path} changed since it was hashed`);
    return node.content;
  }

  private treeAt(t: TreeRef): FakeTree {
    return t.kind === "context" ? this.contextTree() : this.treeOf(t.chainId);
  }

  private need(key: string): { readonly parent: string | undefined; readonly tree: FakeTree } {
    const found = this.active.get(key);
    if (found === undefined) throw notFound(`snapshot ${key} not found`);
    return found;
  }

  private needCommitted(chainId: string): Committed {
    const found = this.committed.get(chainId);
    if (found === undefined) throw notFound(`snapshot ${chainId} not found`);
    return found;
  }
}

function diffTrees(before: FakeTree, after: FakeTree): Change[] {
  const changes: Change[] = [];
  for (const [path, node] of after) if (canonicalJson(before.get(path)) !== canonicalJson(node)) changes.push({ path, node });
  for (const path of before.keys()) if (!after.has(path)) changes.push({ path, whiteout: true });
  return changes.sort((a, b) => compareStrings(a.path, b.path));
}
