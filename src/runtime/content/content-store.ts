import { createReadStream } from "node:fs";
import { mkdir, open, readFile, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { createHash, randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { dataLoss, notFound } from "../../common/errors.ts";
import { syncDir } from "../../common/atomic-write.ts";
import { digestHex, parseDigest, sha256Digest, type Digest } from "./digest.ts";

export interface IngestProgress {
  readonly digest: Digest;
  readonly current: number;
  readonly total: number | undefined;
}

export interface IngestOptions {
  readonly size?: number;
  readonly onProgress?: (p: IngestProgress) => void;
  readonly signal?: AbortSignal;
}

export type BlobSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface BlobInfo {
  readonly digest: Digest;
  readonly size: number;
}

/**
 * Content-addressed blob store: blobs/sha256/<hex>. A blob is visible only once it has
 * been fully written, hashed, checked against its expected digest and size, and fsynced;
 * anything less stays in ingest/ and is removed. Concurrent ingests of the same digest
 * in this process share one write (the second caller waits for the first).
 */
export interface ContentStore {
  readonly root: string;
  has(digest: Digest): Promise<boolean>;
  info(digest: Digest): Promise<BlobInfo>;
  path(digest: Digest): string;
  open(digest: Digest): Readable;
  readBytes(digest: Digest): Promise<Buffer>;
  /** Streams `source` into the store; `open` is called only when the blob is absent. */
  ingest(digest: Digest, open: () => Promise<BlobSource> | BlobSource, opts?: IngestOptions): Promise<BlobInfo>;
  writeBytes(bytes: Uint8Array, expected?: Digest): Promise<BlobInfo>;
  /** Stores content whose digest is not known in advance (a `docker save` layer): hashed on the way in. */
  writeStream(source: BlobSource): Promise<BlobInfo>;
  delete(digest: Digest): Promise<void>;
  list(): Promise<readonly BlobInfo[]>;
  /** Removes temp files a crashed writer left behind. */
  cleanIngests(): Promise<void>;
}

const EARLY_SYNC_BYTES = 8 << 20;
const READ_CHUNK = 1 << 20;

export async function createContentStore(root: string): Promise<ContentStore> {
  const blobDir = join(root, "blobs", "sha256");
  const ingestDir = join(root, "ingest");
  await mkdir(blobDir, { recursive: true });
  await mkdir(ingestDir, { recursive: true });
  const inflight = new Map<Digest, Promise<BlobInfo>>();

  const path = (d: Digest) => join(blobDir, digestHex(d));

  async function info(d: Digest): Promise<BlobInfo> {
    try {
      const st = await stat(path(d));
      return { digest: d, size: st.size };
    } catch (err) {
      throw notFound(`blob ${d} not found in content store`, err);
    }
  }

  async function has(d: Digest): Promise<boolean> {
    return stat(path(d)).then(
      () => true,
      () => false,
    );
  }

  async function writeVerified(
    d: Digest,
    source: BlobSource,
    opts: IngestOptions,
  ): Promise<BlobInfo> {
    const tmp = join(ingestDir, `${digestHex(d)}.${randomBytes(6).toString("hex")}`);
    const fh = await open(tmp, "w", 0o644);
    const hash = createHash("sha256");
    let size = 0;
    let closed = false;
    // Network chunks are small (16-64 KiB): gathering them into 1 MiB writes cuts syscalls and
    // thread-pool round trips. One write stays in flight while the next batch is gathered, so
    // the disk write overlaps with receiving (waiting for it would stall this blob's stream).
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let writing: Promise<unknown> = Promise.resolve();
    // The final fsync must wait for every byte to reach the disk. Asking for the writeback of
    // each few MiB as they arrive (fdatasync, one at a time, off the stream's path) overlaps it
    // with the download, so the final fsync finds little left: measured ~10% off a pull here.
    let written = 0;
    let syncedUpTo = 0;
    let syncing: Promise<unknown> | undefined;
    let syncError: unknown;
    const flush = async () => {
      await writing;
      if (pendingBytes === 0) return;
      const batch = pending;
      written += pendingBytes;
      pending = [];
      pendingBytes = 0;
      const write = fh.writev(batch);
      writing = write;
      // Observed by the next flush; this keeps an early failure from being unhandled meanwhile.
      writing.catch(() => {});
      if (syncing === undefined && written - syncedUpTo >= EARLY_SYNC_BYTES) {
        syncedUpTo = written;
        const s = write.then(() => fh.datasync()).finally(() => {
          if (syncing === s) syncing = undefined;
        });
        syncing = s;
        // Linux reports a writeback error to one fsync of a file only: keep it for the end.
        s.catch((err: unknown) => (syncError ??= err));
      }
      opts.onProgress?.({ digest: d, current: size, total: opts.size });
    };
    try {
      for await (const chunk of source) {
        opts.signal?.throwIfAborted();
        hash.update(chunk);
        size += chunk.byteLength;
        if (opts.size !== undefined && size > opts.size) {
          throw dataLoss(`blob ${d}: received more than the expected ${opts.size} bytes`);
        }
        pending.push(chunk);
        pendingBytes += chunk.byteLength;
        if (pendingBytes >= 1 << 20) await flush();
      }
      await flush();
      await writing;
      if (opts.size !== undefined && size !== opts.size) {
        throw dataLoss(`blob ${d}: short read, got ${size} of ${opts.size} bytes`);
      }
      const actual = `sha256:${hash.digest("hex")}`;
      if (actual !== d) throw dataLoss(`blob digest mismatch: expected ${d}, got ${actual}`);
      await syncing?.catch(() => {});
      if (syncError !== undefined) throw syncError;
      await fh.sync();
      await fh.close();
      closed = true;
      await rename(tmp, path(d));
      await syncDir(blobDir);
      return { digest: d, size };
    } finally {
      // Never close the handle under a write or sync still running.
      await writing.catch(() => undefined);
      await syncing?.catch(() => undefined);
      if (!closed) await fh.close().catch(() => undefined);
      await rm(tmp, { force: true });
    }
  }

  async function ingest(
    d: Digest,
    openSource: () => Promise<BlobSource> | BlobSource,
    opts: IngestOptions = {},
  ): Promise<BlobInfo> {
    parseDigest(d);
    const running = inflight.get(d);
    if (running) return running;
    const p = (async () => {
      if (await has(d)) {
        const i = await info(d);
        if (opts.size === undefined || i.size === opts.size) return i;
        // A blob of the wrong size under its digest cannot be: the file was damaged.
        await rm(path(d), { force: true });
      }
      return writeVerified(d, await openSource(), opts);
    })();
    inflight.set(d, p);
    try {
      return await p;
    } finally {
      inflight.delete(d);
    }
  }

  return {
    root,
    has,
    info,
    path,
    // 1 MiB reads instead of 64 KiB: 16× fewer hops through the thread pool and the stream
    // chain (unpack → gunzip): 1347 vs 1573 ms for the bench image's layers, alternating.
    open: (d) => createReadStream(path(d), { highWaterMark: READ_CHUNK }),
    async readBytes(d) {
      try {
        return await readFile(path(d));
      } catch (err) {
        throw notFound(`blob ${d} not found in content store`, err);
      }
    },
    ingest,
    async writeBytes(bytes, expected) {
      const d = expected ?? sha256Digest(bytes);
      return ingest(d, () => [bytes], { size: bytes.byteLength });
    },
    async writeStream(source) {
      const tmp = join(ingestDir, `unknown.${randomBytes(6).toString("hex")}`);
      const fh = await open(tmp, "w", 0o644);
      const hash = createHash("sha256");
      let size = 0;
      let closed = false;
      try {
        for await (const chunk of source) {
          hash.update(chunk);
          size += chunk.byteLength;
          await fh.write(chunk);
        }
        const d: Digest = `sha256:${hash.digest("hex")}`;
        await fh.sync();
        await fh.close();
        closed = true;
        if (!(await has(d))) {
          await rename(tmp, path(d));
          await syncDir(blobDir);
        }
        return { digest: d, size };
      } finally {
        if (!closed) await fh.close().catch(() => undefined);
        await rm(tmp, { force: true });
      }
    },
    async delete(d) {
      await rm(path(d), { force: true });
    },
    async list() {
      const names = await readdir(blobDir);
      const out: BlobInfo[] = [];
      for (const n of names) {
        if (!/^[a-f0-9]{64}$/.test(n)) continue;
        const st = await stat(join(blobDir, n)).catch(() => undefined);
        if (st) out.push({ digest: `sha256:${n}`, size: st.size });
      }
      return out;
    },
    async cleanIngests() {
      for (const n of await readdir(ingestDir)) await rm(join(ingestDir, n), { force: true, recursive: true });
    },
  };
}
