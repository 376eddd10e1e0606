// Unpacking one OCI layer (a tar stream, possibly compressed) into a fresh directory in
// overlayfs form, computing its diffID on the way.
//
// The work is split three ways: inflating runs on the libuv thread pool, reading the tar and
// planning (LayerTree: every hostile entry is refused here) on the caller's thread, and the
// filesystem calls, a long series of tiny syscalls, on an fs-batch worker (layer-writer.ts,
// fs-batch-worker.ts). Done on the caller's thread, those syscalls left the second core idle
// while `tar -xzf` spread the same work over its processes.
import { createHash, randomBytes } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { Readable } from "node:stream";
import { conflict, TstackError } from "../../common/errors.ts";
import { pathExists } from "../../common/path-exists.ts";
import { readableChunks } from "../../common/readable-chunks.ts";
import { readTar, type ByteSource } from "../../common/tar/index.ts";
import { decompress, type Compression } from "./decompress.ts";
import { createFsWorkers, type FsWorkers } from "./fs-batch-workers.ts";
import { LayerTree } from "./layer-tree.ts";
import { LayerWriter } from "./layer-writer.ts";
import type { ProcessRunner } from "../../common/spawn/process-runner.ts";

export interface ApplyProgress {
  /** Bytes read from `source` (compressed, as downloaded). */
  readonly compressedBytes: number;
  /** Bytes of the tar stream so far. */
  readonly uncompressedBytes: number;
  readonly entries: number;
}

export interface ApplyLayerOptions {
  /** The layer blob as stored: gzip, zstd or plain tar. A Node Readable works. */
  readonly source: ByteSource;
  /** Must not exist yet; appears atomically (rename) once the whole layer is in place. */
  readonly target: string;
  /** For mknod/mkfifo/setfattr/zstd. */
  readonly runner: ProcessRunner;
  readonly onProgress?: (p: ApplyProgress) => void;
  readonly signal?: AbortSignal;
  /** Where the filesystem ops run; defaults to the process's shared fs-batch workers. */
  readonly fsWorkers?: FsWorkers;
}

export interface AppliedLayer {
  /** sha256 of the uncompressed tar stream, as "sha256:<hex>". */
  readonly diffId: string;
  /** Uncompressed size in bytes. */
  readonly size: number;
  readonly compression: Compression;
  readonly entries: number;
}

/**
 * Unpacks a layer into `target`. It unpacks into `<target>.tmp-<random>` beside it and renames on
 * success; on any failure (hostile entry, corrupt stream, abort) the temp dir is removed and
 * nothing appears at `target`.
 */
export async function applyLayer(options: ApplyLayerOptions): Promise<AppliedLayer> {
  const target = resolve(options.target);
  if (await pathExists(target)) throw conflict(`layer target ${target} already exists`);
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${randomBytes(6).toString("hex")}`;
  await mkdir(tmp, { mode: 0o755 });
  try {
    const result = await unpackInto(tmp, options);
    await rename(tmp, target);
    return result;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Unpacks into an existing, empty, private directory. Exported for the snapshotter's staging. */
export async function unpackInto(dir: string, options: Omit<ApplyLayerOptions, "target">): Promise<AppliedLayer> {
  const { signal, onProgress } = options;
  const { runner } = options;
  const hash = createHash("sha256");
  let compressedBytes = 0;
  let uncompressedBytes = 0;
  let entries = 0;
  let compression: Compression = "none";

  async function* counted(): AsyncGenerator<Uint8Array> {
    // A Readable (a stored blob) is taken chunk by chunk, not joined up by for-await.
    const source = options.source instanceof Readable ? readableChunks(options.source, SOURCE_LOOKAHEAD) : options.source;
    for await (const chunk of source) {
      signal?.throwIfAborted();
      compressedBytes += chunk.length;
      yield chunk;
    }
  }
  async function* hashed(): AsyncGenerator<Buffer> {
    const opts = { runner, onDetect: (c: Compression) => (compression = c), ...(signal ? { signal } : {}) };
    for await (const chunk of decompress(counted(), opts)) {
      hash.update(chunk);
      uncompressedBytes += chunk.length;
      onProgress?.({ compressedBytes, uncompressedBytes, entries });
      yield chunk;
    }
  }

  const tree = new LayerTree();
  const fsw = new LayerWriter(dir, runner, (options.fsWorkers ?? sharedFsWorkers()).stream(), signal);
  try {
    // readTar drains the stream after the end-of-archive marker, so the hash covers every byte.
    for await (const entry of readTar(hashed())) {
      signal?.throwIfAborted();
      entries++;
      const actions = tree.plan(entry.header);
      for (const action of actions) {
        try {
          await fsw.perform(action, entry);
        } catch (err) {
          if (err instanceof TstackError) throw err;
          throw new TstackError("Internal", `unpacking tar entry ${JSON.stringify(entry.header.name)}: ${String(err)}`, {
            cause: err,
          });
        }
      }
    }
    await fsw.finish(tree);
  } finally {
    // Nothing may still be writing into `dir` when the caller removes or renames it.
    await fsw.end();
  }
  return { diffId: `sha256:${hash.digest("hex")}`, size: uncompressedBytes, compression, entries };
}

const SOURCE_LOOKAHEAD = 4 << 20;

let shared: FsWorkers | undefined;
/** The process's fs-batch workers, started on first use and kept (idle workers do not hold the process). */
export function sharedFsWorkers(): FsWorkers {
  shared ??= createFsWorkers();
  return shared;
}
