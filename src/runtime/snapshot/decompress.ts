// Recognising how a layer blob is compressed and undoing it as a stream.
// gzip: node:zlib. zstd: node 20 has none, so the `zstd` binary is piped through when present.
import { pipeline, Readable } from "node:stream";
import { createGunzip, type ZlibOptions } from "node:zlib";
import { unimplemented } from "../../common/errors.ts";
import { readableChunks } from "../../common/readable-chunks.ts";
import type { ByteSource } from "../../common/tar/index.ts";
import { isMissingBinary, type PipedProcess, type ProcessRunner } from "../../common/spawn/process-runner.ts";

export type Compression = "gzip" | "zstd" | "bzip2" | "xz" | "none";

/** Needs the first 6 bytes (fewer only when the whole stream is shorter). */
export function detectCompression(head: Uint8Array): Compression {
  const b = (i: number) => head[i];
  if (b(0) === 0x1f && b(1) === 0x8b) return "gzip";
  if (b(0) === 0x28 && b(1) === 0xb5 && b(2) === 0x2f && b(3) === 0xfd) return "zstd";
  if (b(0) === 0x42 && b(1) === 0x5a && b(2) === 0x68) return "bzip2";
  if (b(0) === 0xfd && b(1) === 0x37 && b(2) === 0x7a && b(3) === 0x58 && b(4) === 0x5a && b(5) === 0x00) return "xz";
  return "none";
}

const toBuffer = (v: Uint8Array): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength));

export interface DecompressOptions {
  readonly runner?: ProcessRunner;
  readonly signal?: AbortSignal;
  /** Told once the format is known. */
  readonly onDetect?: (c: Compression) => void;
}

// Large zlib chunks mean fewer hops between the zlib thread and the tar reader; a few MB of
// lookahead lets inflating run on while the main thread creates a burst of small files.
const ZLIB_CHUNK = 256 * 1024;
const ZLIB_LOOKAHEAD = 8 * 1024 * 1024;

/** The uncompressed bytes of `source`, whatever of the supported formats it is in. */
export async function* decompress(source: ByteSource, options: DecompressOptions = {}): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLen = 0;
  let ended = false;
  try {
    while (headLen < 6) {
      const n = await it.next();
      if (n.done) {
        ended = true;
        break;
      }
      const buf = toBuffer(n.value);
      head.push(buf);
      headLen += buf.length;
    }
  } catch (err) {
    await it.return?.();
    throw err;
  }
  // Re-assembles the peeked chunks with the rest of the source.
  async function* whole(): AsyncGenerator<Buffer> {
    yield* head;
    if (ended) return;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield toBuffer(n.value);
    }
  }
  const kind = detectCompression(Buffer.concat(head).subarray(0, 6));
  options.onDetect?.(kind);
  switch (kind) {
    case "none":
      yield* whole();
      return;
    case "gzip": {
      // The lookahead is readableChunks': the stream's own buffer only holds what is in transit.
      const gunzip = createGunzip({ chunkSize: ZLIB_CHUNK } as ZlibOptions);
      // Errors surface through `gunzip`, which we iterate; the callback only prevents a crash.
      pipeline(Readable.from(whole(), { objectMode: false }), gunzip, () => {});
      yield* readableChunks(gunzip, ZLIB_LOOKAHEAD);
      return;
    }
    case "zstd": {
      if (options.runner === undefined) {
        throw unimplemented("zstd-compressed layers need the zstd program, and no process runner was given");
      }
      const missing = (err: unknown) =>
        unimplemented("zstd-compressed layers need the zstd program (install the `zstd` package)", err);
      let proc: PipedProcess;
      try {
        proc = options.runner.pipe("zstd", ["-d", "-c", "-q"], options.signal ? { signal: options.signal } : {});
      } catch (err) {
        await it.return?.();
        throw isMissingBinary(err) ? missing(err) : err;
      }
      let failure: unknown;
      pipeline(Readable.from(whole(), { objectMode: false }), proc.stdin, (err) => {
        // EPIPE when zstd died early: the exit status says why.
        if (err) failure ??= err;
      });
      try {
        yield* readableChunks(proc.stdout, ZLIB_LOOKAHEAD);
        await proc.done;
      } catch (err) {
        throw isMissingBinary(err) ? missing(err) : err;
      } finally {
        proc.stdout.destroy();
        proc.stdin.destroy();
      }
      if (failure !== undefined) throw failure;
      return;
    }
    case "bzip2":
    case "xz":
      await it.return?.();
      throw unimplemented(`${kind}-compressed layers are not supported (OCI layers are gzip or zstd)`);
    default: {
      const never: never = kind;
      throw new Error(`unexpected compression ${String(never)}`);
    }
  }
}
