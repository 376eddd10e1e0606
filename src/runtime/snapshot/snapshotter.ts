// The snapshot store, as containerd's snapshotter: committed snapshots (read-only layers keyed
// by chain ID, unpacked from image layers or committed from an active snapshot) and active ones
// (a writable layer over a chain of committed ones, named by a key), all in overlayfs form.
//
//   <root>/snapshots/<chainid-hex>/fs          the layer's files (an overlay lowerdir)
//   <root>/snapshots/<chainid-hex>/meta.json   { chainId, diffId, parent, size, createdAt }
//   <root>/snapshots/empty/                    the lowerdir of active snapshots with no parent
//   <root>/active/<key>/fs                     an active snapshot's writable layer (upperdir)
//   <root>/active/<key>/work                   its overlay workdir
//   <root>/active/<key>/active.json            { key, parent, lowers, labels, createdAt }
//   <root>/staging/<label>-<random>/           a snapshot being built; renamed into place
//   <root>/trash/<name>-<random>/              a snapshot being removed
//
// A snapshot directory appears by one rename of a complete staging directory (content unpacked,
// diffID verified, metadata written, data synced), so a snapshot that exists is whole; what a
// crash leaves half-built (an unpack, a prepare) or half-deleted is in staging/ or trash/, which
// collectGarbage empties at start. Two processes racing on one chain ID both unpack; the first
// rename wins and the loser discards its copy. Within a process, concurrent unpacks of one chain
// ID share one.
//
// Each layer's directory holds only that layer's own changes (overlay stacks them), so layers
// unpack independently and in parallel. Whiteouts of one layer may share a single 0/0 device
// inode (overlayfs' own work dir holds one more link to it), so a layer writer tests for
// whiteouts before treating a link count > 1 as a hard link.
//
// An active snapshot's upper dir is already in the committed form, so commit writes the diff as a
// layer blob (diffID computed on the way) and then makes the active directory itself the
// committed one: meta.json is written beside active.json, and one rename to snapshots/<chain ID>
// turns it over (work/ and active.json are deleted after; a crash first leaves them there, unread).
// Before that rename the active snapshot is whole; after it the committed one is. If that chain ID exists already, the
// existing snapshot is kept and the active one discarded. overlayfs' bookkeeping xattrs on
// copied-up entries (origin, impure) stay in the committed files: overlayfs reads them on an
// upper layer only. The caller unmounts an active snapshot (or stops its container) before it
// diffs or commits it.
import { lstat, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { conflict, dataLoss, invalidArgument, notFound } from "../../common/errors.ts";
import type { ByteSource } from "../../common/tar/index.ts";
import { createActiveSnapshots, type ActiveSnapshots } from "./active-snapshots.ts";
import { applyLayer, type ApplyProgress } from "./apply-layer.ts";
import { assertDigest, chainIds, childChainId, digestHex } from "./chain-id.ts";
import type { BlobSink } from "./layer-blob.ts";
import type { ProcessRunner } from "../../common/spawn/process-runner.ts";
import { isSnapshotKey, readdirOrEmpty, snapshotDirs } from "./snapshot-dirs.ts";
import { readCommittedMeta, writeCommittedMeta } from "./snapshot-meta.ts";

export interface LayerSource {
  /** Expected sha256 of the uncompressed tar ("sha256:<hex>"), from the image config. */
  readonly diffId: string;
  /** Opens the layer blob (compressed or not); called only when the layer must be unpacked. */
  open(): ByteSource | Promise<ByteSource>;
}

/** A committed snapshot. */
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

export interface UnpackOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (diffId: string, progress: ApplyProgress) => void;
}

/**
 * Committed snapshots (below) and active ones (ActiveSnapshots: prepare, mounts, changes, diff,
 * commit, …). Lifecycle: one per root and process; all state is on disk.
 */
export interface Snapshotter extends Omit<ActiveSnapshots, "removeActive"> {
  /**
   * Makes sure a committed snapshot exists for every prefix of `layers` (bottom layer first),
   * unpacking only the missing ones, each exactly once. Returns one SnapshotInfo per layer, same
   * order. A layer whose content does not hash to its diffID fails with DataLoss and leaves nothing.
   */
  unpack(layers: readonly LayerSource[], options?: UnpackOptions): Promise<readonly SnapshotInfo[]>;
  /**
   * One layer of a chain: the snapshot `chainId` = chain(parent, layer.diffId). Lets a puller unpack
   * each layer as soon as its blob is there. The parent need not exist yet (layers are independent
   * directories), but `chainId` must match, else InvalidArgument.
   */
  unpackLayer(chainId: string, parent: string | undefined, layer: LayerSource, options?: UnpackOptions): Promise<SnapshotInfo>;
  has(chainId: string): Promise<boolean>;
  get(chainId: string): Promise<SnapshotInfo>;
  /** Committed snapshots. */
  list(): Promise<readonly SnapshotInfo[]>;
  usage(chainId: string): Promise<SnapshotUsage>;
  /** Directory of a committed snapshot's files (whether or not it exists yet). */
  fsPath(chainId: string): string;
  /**
   * An active snapshot by key, or a committed one by chain ID. A committed snapshot with a snapshot
   * on top of it (committed or active) cannot go: Conflict.
   */
  remove(keyOrChainId: string): Promise<void>;
  /**
   * Deletes leftovers of unpacks, prepares and removes interrupted by a crash. Only safe while no
   * other process uses this root (the engine calls it at start-up, holding its lock).
   */
  collectGarbage(): Promise<void>;
}

export interface SnapshotterOptions {
  readonly root: string;
  /** mknod, mkfifo, setfattr, getfattr, zstd, sync. */
  readonly runner: ProcessRunner;
  /** Where commit stores layer blobs (the content store); commit fails without. */
  readonly blobs?: BlobSink;
  /** Layers unpacked at the same time by one unpack. */
  readonly concurrency?: number;
  /** syncfs a snapshot's files before it becomes visible (default true). */
  readonly durable?: boolean;
  readonly now?: () => Date;
}

export function createSnapshotter(options: SnapshotterOptions): Snapshotter {
  const { runner } = options;
  const now = options.now ?? (() => new Date());
  const durable = options.durable ?? true;
  const dirs = snapshotDirs(options.root);
  const inflight = new Map<string, Promise<SnapshotInfo>>();
  const limit = semaphore(Math.max(1, options.concurrency ?? 3));
  const fsPath = (chainId: string) => dirs.committedFs(chainId);

  async function readInfo(chainId: string): Promise<SnapshotInfo | undefined> {
    const m = await readCommittedMeta(dirs.committed(chainId));
    if (!m) return undefined;
    return {
      chainId: m.chainId,
      diffId: m.diffId,
      ...(m.parent !== null ? { parent: m.parent } : {}),
      size: m.size,
      createdAt: m.createdAt,
      path: fsPath(chainId),
    };
  }

  const { removeActive, ...active } = createActiveSnapshots({ dirs, committed: readInfo, runner, blobs: options.blobs, durable, now });

  async function build(chainId: string, parent: string | undefined, layer: LayerSource, opts: UnpackOptions) {
    const stage = await dirs.stage(digestHex(chainId));
    try {
      const applied = await applyLayer({
        source: await layer.open(),
        target: join(stage.path, "fs"),
        runner,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.onProgress ? { onProgress: (p: ApplyProgress) => opts.onProgress?.(layer.diffId, p) } : {}),
      });
      if (applied.diffId !== layer.diffId) {
        throw dataLoss(`layer ${layer.diffId} unpacked to content with diffID ${applied.diffId}: corrupt or wrong blob`);
      }
      await writeCommittedMeta(stage.path, { chainId, diffId: layer.diffId, parent: parent ?? null, size: applied.size, createdAt: now().toISOString() });
      if (durable) await runner.run("sync", ["-f", stage.path]);
      // When another process finished the same snapshot first, theirs is as good as ours.
      await dirs.publish(stage.path, dirs.committed(chainId));
    } finally {
      await rm(stage.path, { recursive: true, force: true });
      stage.release();
    }
  }

  function ensure(chainId: string, parent: string | undefined, layer: LayerSource, opts: UnpackOptions) {
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

  async function list(): Promise<readonly SnapshotInfo[]> {
    const names = (await readdirOrEmpty(dirs.snapshots)).filter((n) => /^[0-9a-f]{64}$/.test(n));
    const infos = await Promise.all(names.map((n) => readInfo(`sha256:${n}`)));
    return infos.filter((i): i is SnapshotInfo => i !== undefined);
  }

  async function removeCommitted(chainId: string): Promise<void> {
    if (!(await readInfo(chainId))) throw notFound(`snapshot ${chainId} not found`);
    const children = [
      ...(await list()).filter((s) => s.parent === chainId).map((s) => s.chainId),
      ...(await active.listActive()).filter((s) => s.parent === chainId).map((s) => s.key),
    ];
    if (children.length > 0) throw conflict(`snapshot ${chainId} is the parent of ${children.join(", ")}`);
    await dirs.discard(dirs.committed(chainId));
  }

  return {
    ...active,

    async unpack(layers, opts = {}) {
      const ids = chainIds(layers.map((l) => l.diffId));
      const settled = await Promise.allSettled(
        layers.map((layer, i) => ensure(ids[i] as string, ids[i - 1], layer, opts)),
      );
      const failed = settled.find((s) => s.status === "rejected");
      if (failed) throw (failed as PromiseRejectedResult).reason;
      return settled.map((s) => (s as PromiseFulfilledResult<SnapshotInfo>).value);
    },

    async unpackLayer(chainId, parent, layer, opts = {}) {
      assertDigest(layer.diffId, "diffID");
      if (childChainId(parent, layer.diffId) !== chainId) {
        throw invalidArgument(`chain ID ${chainId} does not follow from parent ${parent ?? "(none)"} and diffID ${layer.diffId}`);
      }
      return ensure(chainId, parent, layer, opts);
    },

    async has(chainId) {
      return (await readInfo(chainId)) !== undefined;
    },

    async get(chainId) {
      const info = await readInfo(chainId);
      if (!info) throw notFound(`snapshot ${chainId} not found`);
      return info;
    },

    list,

    async usage(chainId) {
      if (!(await readInfo(chainId))) throw notFound(`snapshot ${chainId} not found`);
      return diskUsage(fsPath(chainId));
    },

    fsPath,

    async remove(keyOrChainId) {
      if (isSnapshotKey(keyOrChainId)) await removeActive(keyOrChainId);
      else await removeCommitted(keyOrChainId);
    },

    collectGarbage: () => dirs.collectGarbage(),
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
