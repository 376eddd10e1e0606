// Active snapshots: writable layers over a chain of committed ones, each named by a key (a
// container's ID, a build step's). Layout and crash invariants: snapshotter.ts's opening comment.
import { mkdir, rename, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { syncDir } from "../../common/atomic-write.ts";
import { conflict, failedPrecondition, notFound } from "../../common/errors.ts";
import { pathExists } from "../../common/path-exists.ts";
import { childChainId } from "./chain-id.ts";
import { writeLayerBlob, type BlobSink, type LayerBlob } from "./layer-blob.ts";
import { layeredLowerView } from "./lower-view.ts";
import { getfattrOpaqueProbe } from "./opaque-probe.ts";
import { overlayMount, type MountDescription } from "./overlay-mount.ts";
import type { ProcessRunner } from "../../common/spawn/process-runner.ts";
import { assertKey, readdirOrEmpty, type SnapshotDirs } from "./snapshot-dirs.ts";
import { activeMetaFile, readActiveMeta, writeActiveMeta, writeCommittedMeta, type ActiveMeta } from "./snapshot-meta.ts";
import { upperChanges, type FsChange } from "./upper-changes.ts";
import { diffUpperDir } from "./upper-diff.ts";
import { readUpperDir } from "./upper-dir.ts";
import { getfattrReader } from "./xattr-read.ts";

export interface ActiveSnapshotInfo {
  readonly key: string;
  /** Chain ID of the committed snapshot below, absent for none (an empty base). */
  readonly parent?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly createdAt: string;
  /** The writable layer (overlay upperdir): what diff and commit read. */
  readonly upperDir: string;
  readonly workDir: string;
}

export interface ActivePrepareOptions {
  readonly labels?: Readonly<Record<string, string>>;
}

export interface ChangesOptions {
  /** Paths (and everything below them) left out of the list: see upper-changes.ts. */
  readonly ignore?: readonly string[];
}

export interface CommitOptions {
  readonly signal?: AbortSignal;
}

/** What a commit made: the committed snapshot's chain ID and its layer, tar and blob. */
export interface CommittedLayer extends LayerBlob {
  readonly chainId: string;
}

export interface ActiveSnapshotsDeps {
  readonly dirs: SnapshotDirs;
  /** A committed snapshot's parent link, undefined when it does not exist. */
  readonly committed: (chainId: string) => Promise<{ readonly parent?: string } | undefined>;
  readonly runner: ProcessRunner;
  readonly blobs: BlobSink | undefined;
  readonly durable: boolean;
  readonly now: () => Date;
}

/** The active half of the Snapshotter. */
export interface ActiveSnapshots {
  /**
   * A new active snapshot `key` (1-128 of [A-Za-z0-9_.-]) over the committed chain whose top is
   * `parent` (every snapshot of it must exist), or over nothing. Conflict when `key` exists.
   * Lifecycle: prepare → mounts (the caller mounts) → changes/diff while it lives → commit, or remove.
   */
  prepare(key: string, parent: string | undefined, options?: ActivePrepareOptions): Promise<ActiveSnapshotInfo>;
  /**
   * Makes existing upper and work directories (on the snapshotter's filesystem; they may be in
   * use by a mount) the active snapshot `key`, by moving them in. After a crash, calling again
   * finishes the move. For writable layers kept elsewhere by an older engine.
   */
  importActive(key: string, parent: string | undefined, from: { readonly upper: string; readonly work: string }): Promise<ActiveSnapshotInfo>;
  /** The overlay mount of an active snapshot: a description, mounting is the caller's step. */
  mounts(key: string): Promise<MountDescription>;
  stat(key: string): Promise<ActiveSnapshotInfo>;
  listActive(): Promise<readonly ActiveSnapshotInfo[]>;
  /** An active snapshot's directories, whether or not it exists. */
  activeDirs(key: string): { readonly upper: string; readonly work: string };
  /** What the active snapshot changed in its parent's tree: `docker diff` (see upper-changes.ts). */
  changes(key: string, options?: ChangesOptions): Promise<readonly FsChange[]>;
  /** Its writable layer as an uncompressed OCI layer tar, pulled (see layer-members.ts). */
  diff(key: string, options?: { readonly signal?: AbortSignal }): AsyncGenerator<Buffer>;
  /**
   * Stores the diff as a gzip blob (needs a blob sink) and turns the active snapshot into the
   * committed snapshot chain(parent, diffID), without unpacking anything; the key is gone after.
   */
  commit(key: string, options?: CommitOptions): Promise<CommittedLayer>;
  removeActive(key: string): Promise<void>;
}

export function createActiveSnapshots(deps: ActiveSnapshotsDeps): ActiveSnapshots {
  const { dirs, runner } = deps;
  const committing = new Set<string>();
  const activeDirs = (key: string) => {
    const dir = dirs.activeDir(key);
    return { upper: join(dir, "fs"), work: join(dir, "work") };
  };
  const infoOf = (meta: ActiveMeta): ActiveSnapshotInfo => {
    const d = activeDirs(meta.key);
    return {
      key: meta.key,
      ...(meta.parent !== null ? { parent: meta.parent } : {}),
      labels: meta.labels,
      createdAt: meta.createdAt,
      upperDir: d.upper,
      workDir: d.work,
    };
  };

  async function need(key: string): Promise<ActiveMeta> {
    const meta = await readActiveMeta(dirs.activeDir(key));
    if (!meta) throw notFound(`snapshot ${key} not found`);
    return meta;
  }

  // The committed chain below `parent`, bottom first; every snapshot of it must exist.
  async function lowersOf(parent: string | undefined): Promise<string[]> {
    const out: string[] = [];
    for (let id = parent; id !== undefined; ) {
      const info = await deps.committed(id);
      if (!info) throw notFound(id === parent ? `parent snapshot ${id} not found` : `snapshot ${id} below parent ${parent ?? ""} not found`);
      out.push(id);
      id = info.parent;
    }
    return out.reverse();
  }

  // Publishes a directory holding only the metadata (and `subdirs`) as the active snapshot `key`.
  async function create(key: string, parent: string | undefined, labels: Readonly<Record<string, string>>, subdirs: readonly string[]) {
    const target = dirs.activeDir(key);
    const meta: ActiveMeta = { key, parent: parent ?? null, lowers: await lowersOf(parent), labels, createdAt: deps.now().toISOString() };
    if (meta.lowers.length === 0) await mkdir(dirs.emptyLower, { recursive: true });
    const stage = await dirs.stage(`active.${key}`);
    try {
      for (const d of subdirs) await mkdir(join(stage.path, d), { mode: 0o755 });
      await writeActiveMeta(stage.path, meta);
      if (!(await dirs.publish(stage.path, target))) throw conflict(`snapshot ${key} already exists`);
      if (deps.durable) await syncDir(dirs.active);
      return meta;
    } finally {
      await rm(stage.path, { recursive: true, force: true });
      stage.release();
    }
  }

  return {
    activeDirs,

    async prepare(key, parent, options = {}) {
      assertKey(key);
      if (await readActiveMeta(dirs.activeDir(key))) throw conflict(`snapshot ${key} already exists`);
      return infoOf(await create(key, parent, options.labels ?? {}, ["fs", "work"]));
    },

    // Each step is done at most once and checked before, so a crash anywhere is finished by
    // calling again: the metadata appears first (nothing to collect), then each dir moves in.
    async importActive(key, parent, from) {
      assertKey(key);
      const to = activeDirs(key);
      let meta = await readActiveMeta(dirs.activeDir(key));
      if (!meta) {
        if (!(await pathExists(from.upper))) throw notFound(`cannot import ${from.upper} into snapshot ${key}: it does not exist`);
        meta = await create(key, parent, {}, []);
      }
      for (const [source, target] of [[from.upper, to.upper], [from.work, to.work]] as const) {
        const [have, had] = await Promise.all([pathExists(target), pathExists(source)]);
        if (have && had) throw conflict(`cannot import ${source} into snapshot ${key}: it has ${target} already`);
        if (had) await rename(source, target);
        // A lost work dir is only overlay's scratch space; a lost upper dir cannot be.
        else if (!have && target === to.work) await mkdir(target, { mode: 0o755 });
        else if (!have) throw notFound(`cannot import ${source} into snapshot ${key}: it does not exist`);
      }
      return infoOf(meta);
    },

    async mounts(key) {
      const meta = await need(key);
      const lowers = meta.lowers.length > 0 ? meta.lowers.map((id) => dirs.committedFs(id)) : [dirs.emptyLower];
      const { upper, work } = activeDirs(key);
      return overlayMount({
        snapshotsDir: dirs.snapshots,
        lowerRelative: lowers.map((l) => relative(dirs.snapshots, l)),
        upperDir: upper,
        workDir: work,
      });
    },

    stat: async (key) => infoOf(await need(key)),

    async listActive() {
      const metas = await Promise.all((await readdirOrEmpty(dirs.active)).map((n) => readActiveMeta(join(dirs.active, n))));
      return metas.filter((m): m is ActiveMeta => m !== undefined).map(infoOf);
    },

    async removeActive(key) {
      await need(key);
      if (committing.has(key)) throw conflict(`snapshot ${key} is being committed`);
      await dirs.discard(dirs.activeDir(key));
    },

    async changes(key, options = {}) {
      const meta = await need(key);
      const opaque = getfattrOpaqueProbe(runner);
      const lower = layeredLowerView([...meta.lowers].reverse().map((id) => dirs.committedFs(id)), { opaque });
      const entries = await readUpperDir(activeDirs(key).upper, { opaque });
      return upperChanges(entries, { lower, ...(options.ignore ? { ignore: options.ignore } : {}) });
    },

    async *diff(key, options = {}) {
      await need(key);
      yield* diffUpperDir(activeDirs(key).upper, { xattrs: getfattrReader(runner), ...(options.signal ? { signal: options.signal } : {}) });
    },

    async commit(key, options = {}) {
      if (!deps.blobs) throw failedPrecondition("this snapshotter has no blob store to commit layers into");
      const blobs = deps.blobs;
      const meta = await need(key);
      if (committing.has(key)) throw conflict(`snapshot ${key} is being committed`);
      committing.add(key);
      try {
        const dir = dirs.activeDir(key);
        const signal = options.signal;
        const tar = diffUpperDir(activeDirs(key).upper, { xattrs: getfattrReader(runner), ...(signal ? { signal } : {}) });
        const layer = await writeLayerBlob(tar, blobs, signal);
        const chainId = childChainId(meta.parent ?? undefined, layer.diffId);
        let published = false;
        if (!(await deps.committed(chainId))) {
          // The upper dir is already in the committed form (overlay's): the directory itself
          // becomes the committed snapshot. Until the rename it is still a whole active one.
          await writeCommittedMeta(dir, { chainId, diffId: layer.diffId, parent: meta.parent, size: layer.size, createdAt: deps.now().toISOString() });
          if (deps.durable) await runner.run("sync", ["-f", dir]);
          const target = dirs.committed(chainId);
          published = await dirs.publish(dir, target);
          if (published) {
            await rm(join(target, "work"), { recursive: true, force: true });
            await rm(activeMetaFile(target), { force: true });
            if (deps.durable) await syncDir(dirs.snapshots);
          }
        }
        // The same layer was committed before (or by a racing commit): keep that one.
        if (!published) await dirs.discard(dir);
        return { chainId, ...layer };
      } finally {
        committing.delete(key);
      }
    },
  };
}
