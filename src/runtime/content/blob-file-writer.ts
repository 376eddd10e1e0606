import { open, type FileHandle } from "node:fs/promises";
import { createHash } from "node:crypto";
import type { BufferPool } from "../../common/buffer-pool.ts";
import type { ByteSink } from "../../common/http1/byte-sink.ts";
import { dataLoss } from "../../common/errors.ts";
import type { Digest } from "./digest.ts";

/**
 * A blob being written to a file: every byte is hashed as it comes and copied into pooled
 * buffers, which are written in order, one at a time, while more bytes arrive. The sink takes
 * bytes that are only valid during the call (a socket's reused read buffer), so it copies;
 * the copy is cheap, fresh memory per network chunk is not (see buffer-pool.ts).
 */
export interface BlobFileWriter extends ByteSink {
  /** Bytes taken so far. */
  readonly size: number;
  /** Writes what is left and fsyncs: the blob's digest and size once every byte is on disk. */
  finish(): Promise<{ readonly digest: Digest; readonly size: number }>;
  /** Closes the file after any write still running; gives the buffers back. Safe to call twice. */
  close(): Promise<void>;
}

export interface BlobFileWriterOptions {
  readonly pool: BufferPool;
  /** More bytes than this fail the write at once (DataLoss naming `what`). */
  readonly maxSize?: number;
  readonly what: string;
  /** Called as each buffer goes to disk, with the bytes taken so far. */
  readonly onProgress?: (size: number) => void;
}

// Two buffers may wait while one is written: the producer (the network) runs ahead of the
// disk a little, then pauses.
const MAX_QUEUED = 3;
// The final fsync must wait for every byte to reach the disk. Asking for the writeback of each
// few MiB as they arrive (fdatasync, one at a time, beside the writes) overlaps it with the
// download, so the final fsync finds little left: measured ~10% off a pull here.
const EARLY_SYNC_BYTES = 8 << 20;

export async function openBlobFileWriter(path: string, opts: BlobFileWriterOptions): Promise<BlobFileWriter> {
  const fh = await open(path, "w", 0o644);
  return blobFileWriter(fh, opts);
}

function blobFileWriter(fh: FileHandle, opts: BlobFileWriterOptions): BlobFileWriter {
  const { pool } = opts;
  const hash = createHash("sha256");
  let size = 0;
  let current: Buffer | undefined;
  let used = 0;
  let queued = 0;
  let writing: Promise<void> = Promise.resolve();
  let written = 0;
  let syncedUpTo = 0;
  let syncing: Promise<void> | undefined;
  // Linux reports a writeback error to one fsync of a file only: the first error is kept for the end.
  let failure: unknown;
  let waiters: (() => void)[] = [];
  let closed: Promise<void> | undefined;
  const held = new Set<Buffer>();

  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };

  function submit(): void {
    if (current === undefined || used === 0) return;
    const buf = current;
    const n = used;
    current = undefined;
    used = 0;
    queued++;
    writing = writing.then(async () => {
      try {
        if (failure === undefined) await fh.write(buf, 0, n);
        written += n;
        if (syncing === undefined && failure === undefined && written - syncedUpTo >= EARLY_SYNC_BYTES) {
          syncedUpTo = written;
          const s: Promise<void> = fh
            .datasync()
            .then(
              () => undefined,
              (err: unknown) => void (failure ??= err),
            )
            .finally(() => {
              if (syncing === s) syncing = undefined;
            });
          syncing = s;
        }
        opts.onProgress?.(written);
      } catch (err) {
        failure ??= err;
      } finally {
        queued--;
        held.delete(buf);
        pool.give(buf);
        if (queued < MAX_QUEUED || failure !== undefined) wake();
      }
    });
  }

  function take(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.byteLength) {
      if (current === undefined) {
        current = pool.take();
        held.add(current);
      }
      const n = Math.min(bytes.byteLength - off, current.byteLength - used);
      current.set(bytes.subarray(off, off + n), used);
      used += n;
      off += n;
      if (used === current.byteLength) submit();
    }
  }

  return {
    get size() {
      return size;
    },
    write(bytes) {
      if (failure !== undefined) throw failure;
      if (closed) throw new Error(`${opts.what}: write after close`);
      size += bytes.byteLength;
      if (opts.maxSize !== undefined && size > opts.maxSize) {
        throw dataLoss(`${opts.what}: received more than the expected ${opts.maxSize} bytes`);
      }
      hash.update(bytes);
      take(bytes);
      return queued < MAX_QUEUED || failure !== undefined;
    },
    drained() {
      if (queued < MAX_QUEUED || failure !== undefined) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    async finish() {
      submit();
      await writing;
      await syncing;
      if (failure !== undefined) throw failure;
      await fh.sync();
      return { digest: `sha256:${hash.digest("hex")}`, size };
    },
    close() {
      closed ??= (async () => {
        current = undefined;
        await writing;
        await syncing;
        for (const buf of held) pool.give(buf);
        held.clear();
        await fh.close();
      })();
      return closed;
    },
  };
}
