import { lstat, readFile } from "node:fs/promises";
import type { BuildSnapshots, TreeRef } from "../../build/executor/ports.ts";
import { resolveInRootfs } from "../containers/rootfs-path.ts";
import type { Snapshotter } from "../snapshot/index.ts";
import type { RootfsMounts } from "./rootfs-mounts.ts";
import { walkTree } from "./tree-walk.ts";
import { writeEntries } from "./write-entries.ts";

// The builder's snapshots over the engine's snapshotter: active snapshots are the snapshotter's
// own (labelled as a build's, so `listActive` tells them from containers'), written through a
// mount of their overlay; committed rootfs are read through a read-only mount of their chain.

export const BUILD_SNAPSHOT_LABEL = "io.tstack.build";

export function createBuildSnapshots(o: {
  readonly snapshotter: Pick<Snapshotter, "prepare" | "commit" | "remove">;
  readonly mounts: RootfsMounts;
  /** The build context's directory (COPY's default source tree). */
  readonly contextDir: string;
}): BuildSnapshots {
  const { snapshotter, mounts } = o;

  // `fn` with every snapshot tree among `trees` mounted (one mount each), then all unmounted.
  async function withTrees<T>(trees: readonly TreeRef[], fn: (roots: ReadonlyMap<string | undefined, string>) => Promise<T>): Promise<T> {
    const chains = [...new Set(trees.flatMap((t) => (t.kind === "snapshot" ? [t.chainId] : [])))];
    const roots = new Map<string | undefined, string>();
    const next = async (i: number): Promise<T> => {
      if (i === chains.length) return fn(roots);
      const chainId = chains[i];
      return mounts.withChain(chainId, async (root) => {
        roots.set(chainId, root);
        return next(i + 1);
      });
    };
    return next(0);
  }

  // Where a path of a committed rootfs is on the host (symlinks followed inside it).
  const inChain = <T>(chainId: string | undefined, path: string, fn: (host: string) => Promise<T>) =>
    mounts.withChain(chainId, async (root) => fn(await resolveInRootfs(root, path)));

  return {
    async prepare(key, parent, signal) {
      signal.throwIfAborted();
      await snapshotter.prepare(key, parent, { labels: { [BUILD_SNAPSHOT_LABEL]: "step" } });
    },
    async writeFiles(key, entries, signal) {
      const trees = entries.flatMap((e) => (e.type === "file" && e.content.kind === "tree" ? [e.content.tree] : []));
      await withTrees(trees, (roots) =>
        mounts.withActive(key, (root) =>
          writeEntries(
            root,
            entries,
            (tree) => (tree.kind === "context" ? o.contextDir : (roots.get(tree.chainId) as string)),
            signal,
          ),
        ),
      );
    },
    async commit(key, signal) {
      const made = await snapshotter.commit(key, { signal });
      return { chainId: made.chainId, diffId: made.diffId, size: made.size, blob: made.blob };
    },
    remove: (key) => snapshotter.remove(key),
    async stat(chainId, path, signal) {
      signal.throwIfAborted();
      return inChain(chainId, path, async (host) => {
        const st = await lstat(host).catch(() => undefined);
        if (st === undefined) return undefined;
        return { type: st.isDirectory() ? "dir" : st.isFile() ? "file" : "other" };
      });
    },
    async readFile(chainId, path, signal) {
      signal.throwIfAborted();
      return inChain(chainId, path, async (host) => {
        const st = await lstat(host).catch(() => undefined);
        return st?.isFile() ? new Uint8Array(await readFile(host)) : undefined;
      });
    },
    async *walk(chainId, under, signal) {
      // The whole walk inside one mount; the executor collects it before it goes on.
      const entries = await mounts.withChain(chainId, async (root) => {
        const out = [];
        for await (const e of walkTree(root, under, { signal })) out.push(e);
        return out;
      });
      yield* entries;
    },
  };
}
