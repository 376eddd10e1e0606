import { createReadStream } from "node:fs";
import { mkdir, readFile, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { dataLoss, notFound } from "../../common/errors.ts";
import { syncDir } from "../../common/atomic-write.ts";
import { createBufferPool } from "../../common/buffer-pool.ts";
import type { ByteSink } from "../../common/http1/byte-sink.ts";
import { openBlobFileWriter, type BlobFileWriterOptions } from "./blob-file-writer.ts";
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

/** A source that pushes its bytes into a sink itself (a download reading into one reused buffer). */
export interface PushSource {
  pushInto(sink: ByteSink): Promise<void>;
}

export type BlobSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | PushSource;

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

const READ_CHUNK = 1 << 20;
// Write buffers of every blob being ingested, kept for the next: 16 MiB at most stay resident,
// and only while blobs keep coming.
const WRITE_BUFFER = 1 << 20;
const WRITE_BUFFERS_KEPT = 16;
const WRITE_BUFFERS_RELEASE_MS = 30_000;

function isPushSource(source: BlobSource): source is PushSource {
  return typeof (source as Partial<PushSource>).pushInto === "function";
}

async function pumpInto(source: BlobSource, sink: ByteSink, signal?: AbortSignal): Promise<void> {
  if (isPushSource(source)) {
    await source.pushInto({
      write(bytes) {
        signal?.throwIfAborted();
        return sink.write(bytes);
      },
      drained: () => sink.drained(),
    });
    return;
  }
  for await (const chunk of source) {
    signal?.throwIfAborted();
    if (!sink.write(chunk)) await sink.drained();
  }
}

export async function createContentStore(root: string): Promise<ContentStore> {
  const blobDir = join(root, "blobs", "sha256");
  const ingestDir = join(root, "ingest");
  await mkdir(blobDir, { recursive: true });
  await mkdir(ingestDir, { recursive: true });
  const inflight = new Map<Digest, Promise<BlobInfo>>();
  const pool = createBufferPool(WRITE_BUFFER, WRITE_BUFFERS_KEPT, { releaseAfterMs: WRITE_BUFFERS_RELEASE_MS });

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

  // A blob's one way in: written to a temp file in ingest/ (hashed, fsynced), checked by
  // `check`, then renamed to its digest unless that blob is already there. The temp file never
  // outlives the call, and is never removed under a write still running.
  async function writeBlob(
    tmpName: string,
    source: BlobSource,
    opts: Omit<BlobFileWriterOptions, "pool"> & { readonly signal?: AbortSignal | undefined },
    check: (written: BlobInfo) => void = () => {},
  ): Promise<BlobInfo> {
    const tmp = join(ingestDir, `${tmpName}.${randomBytes(6).toString("hex")}`);
    const writer = await openBlobFileWriter(tmp, { ...opts, pool });
    try {
      await pumpInto(source, writer, opts.signal);
      const written = await writer.finish();
      check(written);
      await writer.close();
      if (!(await has(written.digest))) {
        await rename(tmp, path(written.digest));
        await syncDir(blobDir);
      }
      return written;
    } finally {
      await writer.close().catch(() => undefined);
      await rm(tmp, { force: true });
    }
  }

  function writeVerified(d: Digest, source: BlobSource, opts: IngestOptions): Promise<BlobInfo> {
    const writerOpts = {
      what: `blob ${d}`,
      ...(opts.size !== undefined ? { maxSize: opts.size } : {}),
      onProgress: (current: number) => opts.onProgress?.({ digest: d, current, total: opts.size }),
      signal: opts.signal,
    };
    return writeBlob(digestHex(d), source, writerOpts, ({ digest: actual, size }) => {
      if (opts.size !== undefined && size !== opts.size) {
        throw dataLoss(`blob ${d}: short read, got ${size} of ${opts.size} bytes`);
      }
      if (actual !== d) throw dataLoss(`blob digest mismatch: expected ${d}, got ${actual}`);
    });
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
    writeStream: (source) => writeBlob("unknown", source, { what: "blob" }),
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
