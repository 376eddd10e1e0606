// The snapshot store: one directory per layer, keyed by chain ID, in overlayfs form.
//
//   <root>/snapshots/<chainid-hex>/fs          the layer's files (an overlay lowerdir)
//   <root>/snapshots/<chainid-hex>/meta.json   { chainId, diffId, parent, size, createdAt }
//   <root>/staging/<hex>-<random>/             a snapshot being built; renamed into place
//   <root>/trash/<hex>-<random>/               a snapshot being removed
//
// A snapshot directory appears by one rename of a complete staging directory (content unpacked,
// diffID verified, metadata written, data synced), so a snapshot that exists is whole. Two
// processes racing on one chain ID both unpack; the first rename wins and the loser discards its
// copy. Within a process, concurrent prepares of one chain ID share one unpack.
//
// Each layer's directory holds only that layer's own changes (overlay stacks them), so layers
// unpack independently and in parallel. A future layer writer (image builds) walks a snapshot's
// or a container's upper dir (`fsPath` hands out the directory) and turns overlay form back into
// OCI form; note that whiteouts of one layer share a single 0/0 device inode, so it must test
// for whiteouts before treating a link count > 1 as a hard link.
import { randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { conflict, dataLoss, invalidArgument, notFound } from "../../common/errors.ts";
import type { ByteSource } from "../../common/tar/index.ts";
import { applyLayer, type ApplyProgress } from "./apply-layer.ts";
import { assertDigest, chainIds, digestHex } from "./chain-id.ts";
import { overlayMount, type MountDescription } from "./overlay-mount.ts";
import { execaRunner, type ProcessRunner } from "./process-runner.ts";

export interface LayerSource {
  /** Expected sha256 of the uncompressed tar ("sha256:<hex>"), from the image config. */
  readonly diffId: string;
  /** Opens the layer blob (compressed or not); called only when the layer must be unpacked. */
  open(): ByteSource | Promise<ByteSource>;
}

export interface SnapshotInfo {
  readonly chainId: string;
  readonly diffId: string;
  /** Chain ID of the snapshot below, absent for a bottom layer. */
  readonly parent?: string;
  /** Uncompressed layer size in bytes. */
  readonly size: number;
  readonly createdAt: string;
  /** The layer's directory (overlay lowerdir). */
  readonly path: string;
}

export interface SnapshotUsage {
  /** Bytes allocated on disk (hard-linked inodes counted once). */
  readonly bytes: number;
  readonly inodes: number;
}

export interface PrepareOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (diffId: string, progress: ApplyProgress) => void;
}

export interface Snapshotter {
  /**
   * Makes sure a snapshot exists for every prefix of `layers` (bottom layer first), unpacking only
   * the missing ones, each exactly once. Returns one SnapshotInfo per layer, same order.
   * A layer whose content does not hash to its diffID fails with DataLoss and leaves nothing.
   */
  prepare(layers: readonly LayerSource[], options?: PrepareOptions): Promise<readonly SnapshotInfo[]>;
  /**
   * One layer of a chain: the snapshot `chainId` = chain(parent, layer.diffId). Lets a puller unpack
   * each layer as soon as its blob is there. The parent need not exist yet (layers are independent
   * directories), but `chainId` must match, else InvalidArgument.
   */
  prepareLayer(
    chainId: string,
    parent: string | undefined,
    layer: LayerSource,
    options?: PrepareOptions,
  ): Promise<SnapshotInfo>;
  /** Overlay description for a rootfs over `chainIds` (bottom first, as returned by chainIds()). */
  rootfsMounts(chainIds: readonly string[], upperDir: string, workDir: string): MountDescription;
  has(chainId: string): Promise<boolean>;
  get(chainId: string): Promise<SnapshotInfo>;
  /** Fails with Conflict while a snapshot on top of it exists. */
  remove(chainId: string): Promise<void>;
  list(): Promise<readonly SnapshotInfo[]>;
  usage(chainId: string): Promise<SnapshotUsage>;
  /** Directory of a snapshot's files (whether or not it exists yet). */
  fsPath(chainId: string): string;
  /**
   * Deletes leftovers of prepares and removes interrupted by a crash. Only safe while no other
   * process uses this root (the engine calls it at start-up, holding its lock).
   */
  collectGarbage(): Promise<void>;
}

export interface SnapshotterOptions {
  readonly root: string;
  readonly runner?: ProcessRunner;
  /** Layers unpacked at the same time by one prepare. */
  readonly concurrency?: number;
  /** syncfs the unpacked layer before it becomes visible (default true). */
  readonly durable?: boolean;
  readonly now?: () => Date;
}

interface Meta {
  readonly chainId: string;
  readonly diffId: string;
  readonly parent: string | null;
  readonly size: number;
  readonly createdAt: string;
}

const random = () => randomBytes(6).toString("hex");

export function createSnapshotter(options: SnapshotterOptions): Snapshotter {
  const root = options.root;
  const runner = options.runner ?? execaRunner();
  const now = options.now ?? (() => new Date());
  const durable = options.durable ?? true;
  const snapshotsDir = join(root, "snapshots");
  const stagingDir = join(root, "staging");
  const trashDir = join(root, "trash");
  const inflight = new Map<string, Promise<SnapshotInfo>>();
  const limit = semaphore(Math.max(1, options.concurrency ?? 3));

  const dirOf = (chainId: string) => {
    assertDigest(chainId, "chain ID");
    return join(snapshotsDir, digestHex(chainId));
  };
  const fsPath = (chainId: string) => join(dirOf(chainId), "fs");

  async function readInfo(chainId: string): Promise<SnapshotInfo | undefined> {
    let text: string;
    try {
      text = await readFile(join(dirOf(chainId), "meta.json"), "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
    const m = JSON.parse(text) as Meta;
    return {
      chainId: m.chainId,
      diffId: m.diffId,
      ...(m.parent !== null ? { parent: m.parent } : {}),
      size: m.size,
      createdAt: m.createdAt,
      path: fsPath(chainId),
    };
  }

  async function build(chainId: string, parent: string | undefined, layer: LayerSource, opts: PrepareOptions) {
    const stage = join(stagingDir, `${digestHex(chainId)}-${random()}`);
    await mkdir(stage, { recursive: true });
    try {
      const applied = await applyLayer({
        source: await layer.open(),
        target: join(stage, "fs"),
        runner,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.onProgress ? { onProgress: (p: ApplyProgress) => opts.onProgress?.(layer.diffId, p) } : {}),
      });
      if (applied.diffId !== layer.diffId) {
        throw dataLoss(`layer ${layer.diffId} unpacked to content with diffID ${applied.diffId}: corrupt or wrong blob`);
      }
      const meta: Meta = { chainId, diffId: layer.diffId, parent: parent ?? null, size: applied.size, createdAt: now().toISOString() };
      await writeFile(join(stage, "meta.json"), `${JSON.stringify(meta)}\n`);
      if (durable) await runner.run("sync", ["-f", stage]);
      await mkdir(snapshotsDir, { recursive: true });
      try {
        await rename(stage, dirOf(chainId));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // Another process finished the same snapshot first: theirs is as good as ours.
        if (code !== "ENOTEMPTY" && code !== "EEXIST") throw err;
        await rm(stage, { recursive: true, force: true });
      }
    } catch (err) {
      await rm(stage, { recursive: true, force: true });
      throw err;
    }
  }

  function ensure(chainId: string, parent: string | undefined, layer: LayerSource, opts: PrepareOptions) {
    const running = inflight.get(chainId);
    if (running) return running;
    const p = (async () => {
      const existing = await readInfo(chainId);
      if (existing) return existing;
      await limit(() => build(chainId, parent, layer, opts));
      const info = await readInfo(chainId);
      if (!info) throw dataLoss(`snapshot ${chainId} vanished right after it was created`);
      return info;
    })().finally(() => inflight.delete(chainId));
    inflight.set(chainId, p);
    return p;
  }

  return {
    async prepare(layers, opts = {}) {
      const ids = chainIds(layers.map((l) => l.diffId));
      const settled = await Promise.allSettled(
        layers.map((layer, i) => ensure(ids[i] as string, ids[i - 1], layer, opts)),
      );
      const failed = settled.find((s) => s.status === "rejected");
      if (failed) throw (failed as PromiseRejectedResult).reason;
      return settled.map((s) => (s as PromiseFulfilledResult<SnapshotInfo>).value);
    },

    async prepareLayer(chainId, parent, layer, opts = {}) {
      assertDigest(layer.diffId, "diffID");
      const expected =
        parent === undefined ? layer.diffId : (chainIds([parent, layer.diffId])[1] as string);
      if (parent !== undefined) assertDigest(parent, "parent chain ID");
      if (expected !== chainId) {
        throw invalidArgument(`chain ID ${chainId} does not follow from parent ${parent ?? "(none)"} and diffID ${layer.diffId}`);
      }
      return ensure(chainId, parent, layer, opts);
    },

    rootfsMounts(ids, upperDir, workDir) {
      for (const id of ids) assertDigest(id, "chain ID");
      return overlayMount({
        snapshotsDir,
        lowerRelative: ids.map((id) => `${digestHex(id)}/fs`),
        upperDir,
        workDir,
      });
    },

    async has(chainId) {
      return (await readInfo(chainId)) !== undefined;
    },

    async get(chainId) {
      const info = await readInfo(chainId);
      if (!info) throw notFound(`snapshot ${chainId} not found`);
      return info;
    },

    async remove(chainId) {
      const dir = dirOf(chainId);
      if (!(await readInfo(chainId))) throw notFound(`snapshot ${chainId} not found`);
      const children = (await this.list()).filter((s) => s.parent === chainId);
      if (children.length > 0) {
        throw conflict(`snapshot ${chainId} is the parent of ${children.map((c) => c.chainId).join(", ")}`);
      }
      await mkdir(trashDir, { recursive: true });
      const trash = join(trashDir, `${digestHex(chainId)}-${random()}`);
      // Rename first so the snapshot disappears at once, even if deleting its files takes long.
      await rename(dir, trash);
      await rm(trash, { recursive: true, force: true });
    },

    async list() {
      let names: string[];
      try {
        names = await readdir(snapshotsDir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw err;
      }
      const infos = await Promise.all(
        names.filter((n) => /^[0-9a-f]{64}$/.test(n)).map((n) => readInfo(`sha256:${n}`)),
      );
      return infos.filter((i): i is SnapshotInfo => i !== undefined);
    },

    async usage(chainId) {
      if (!(await readInfo(chainId))) throw notFound(`snapshot ${chainId} not found`);
      return diskUsage(fsPath(chainId));
    },

    fsPath,

    async collectGarbage() {
      for (const dir of [stagingDir, trashDir]) {
        let names: string[];
        try {
          names = await readdir(dir);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
          throw err;
        }
        // Skip what this process is building right now.
        const busy = new Set([...inflight.keys()].map(digestHex));
        await Promise.all(
          names.filter((n) => !busy.has(n.split("-")[0] ?? "")).map((n) => rm(join(dir, n), { recursive: true, force: true })),
        );
      }
    },
  };
}

async function diskUsage(dir: string): Promise<SnapshotUsage> {
  const seen = new Set<string>();
  let bytes = 0;
  const walk = async (path: string): Promise<void> => {
    const st = await lstat(path);
    const key = `${st.dev}:${st.ino}`;
    if (!seen.has(key)) {
      seen.add(key);
      bytes += st.blocks * 512;
    }
    if (st.isDirectory()) {
      for (const name of await readdir(path)) await walk(join(path, name));
    }
  };
  await walk(dir);
  return { bytes, inodes: seen.size };
}

// At most `n` tasks at once; the rest wait in order.
function semaphore(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    // A released slot passes straight to the next waiter, so `active` never overshoots.
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    else active++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
