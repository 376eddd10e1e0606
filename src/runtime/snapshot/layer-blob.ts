// A layer's tar into a blob store, gzip-compressed, hashed twice on the way: its diffID (sha256
// of the uncompressed tar, what an image config lists) and the blob's digest (of the gzip bytes,
// what a manifest lists). zlib at its default level writes no name and a zero mtime into the gzip
// header, so equal tars give equal blobs (with one zlib build).
import { createHash } from "node:crypto";
import { pipeline, Readable } from "node:stream";
import { createGzip } from "node:zlib";
import { readableChunks } from "../../common/readable-chunks.ts";

/** Where layer blobs go: the content store (hashes, verifies, fsyncs and renames). */
export interface BlobSink {
  writeStream(source: AsyncIterable<Uint8Array>): Promise<{ readonly digest: string; readonly size: number }>;
}

export interface LayerBlob {
  /** sha256 of the uncompressed tar, "sha256:<hex>". */
  readonly diffId: string;
  /** Uncompressed size in bytes. */
  readonly size: number;
  /** The stored gzip blob. */
  readonly blob: { readonly digest: string; readonly size: number };
}

const LOOKAHEAD = 4 << 20;

export async function writeLayerBlob(tar: AsyncIterable<Uint8Array>, sink: BlobSink, signal?: AbortSignal): Promise<LayerBlob> {
  const hash = createHash("sha256");
  let size = 0;
  async function* hashed(): AsyncGenerator<Uint8Array> {
    for await (const chunk of tar) {
      signal?.throwIfAborted();
      hash.update(chunk);
      size += chunk.byteLength;
      yield chunk;
    }
  }
  const gzip = createGzip();
  // Errors surface through `gzip`, which the sink reads; the callback only prevents a crash.
  pipeline(Readable.from(hashed(), { objectMode: false }), gzip, () => {});
  const blob = await sink.writeStream(readableChunks(gzip, LOOKAHEAD));
  return { diffId: `sha256:${hash.digest("hex")}`, size, blob: { digest: blob.digest, size: blob.size } };
}
