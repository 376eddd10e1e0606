import { randomBytes } from "node:crypto";
import { mkdir, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { failedPrecondition } from "../../common/errors.ts";
import type { Mounter } from "../containers/mounter.ts";
import type { Snapshotter } from "../snapshot/index.ts";
import { MOUNT_OPTIONS_LIMIT } from "../snapshot/index.ts";

// Where the builder sees snapshots as directories: an active snapshot mounted read-write (its
// overlay, as a container's rootfs), or a committed chain mounted read-only (an overlay of its
// layers with no upper dir: the kernel merges whiteouts and opaque dirs, so reads see exactly the
// rootfs a container would). Each mount lives only for one call: mounted under
// `<run>/m/<random>`, unmounted and its mount point removed before the call settles.

export interface RootfsMounts {
  /** `fn` over the active snapshot `key`'s merged rootfs (writes go to its upper dir). */
  withActive<T>(key: string, fn: (root: string) => Promise<T>): Promise<T>;
  /** `fn` over a committed chain's rootfs, read-only; undefined: an empty directory. */
  withChain<T>(chainId: string | undefined, fn: (root: string) => Promise<T>): Promise<T>;
}

export function createRootfsMounts(o: {
  readonly runDir: string;
  readonly snapshotter: Pick<Snapshotter, "mounts" | "get" | "fsPath">;
  readonly mounter: Mounter;
}): RootfsMounts {
  const empty = join(o.runDir, "empty");
  const mountPoint = async () => {
    const dir = join(o.runDir, "m", randomBytes(6).toString("hex"));
    await mkdir(dir, { recursive: true });
    return dir;
  };
  async function mounted<T>(m: Parameters<Mounter["mount"]>[0], fn: (root: string) => Promise<T>): Promise<T> {
    const target = await mountPoint();
    try {
      await o.mounter.mount(m, target);
      try {
        return await fn(target);
      } finally {
        await o.mounter.unmount(target);
      }
    } finally {
      await rmdir(target).catch(() => undefined);
    }
  }
  return {
    withActive: async (key, fn) => mounted(await o.snapshotter.mounts(key), fn),
    async withChain(chainId, fn) {
      await mkdir(empty, { recursive: true });
      if (chainId === undefined) return fn(empty);
      // Top layer first; the empty dir at the bottom lets a one-layer chain mount too (an
      // overlay without an upper dir needs two lower dirs).
      const lowers: string[] = [];
      for (let id: string | undefined = chainId; id !== undefined; ) {
        lowers.push(o.snapshotter.fsPath(id));
        id = (await o.snapshotter.get(id)).parent;
      }
      lowers.push(empty);
      const option = `lowerdir=${lowers.join(":")}`;
      if (option.length > MOUNT_OPTIONS_LIMIT) throw failedPrecondition(`${lowers.length} layers do not fit in one read-only overlay mount`);
      return mounted({ type: "overlay", source: "overlay", options: [option] }, fn);
    },
  };
}
