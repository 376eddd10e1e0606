// In-memory stand-ins for the snapshot code's seams (test-only; left out of the build): a blob
// store in a Map. (The process runner's fake: src/common/spawn/testing/fake-process-runner.ts.)
import { createHash } from "node:crypto";
import type { BlobSink } from "../layer-blob.ts";

export interface MemoryBlobs extends BlobSink {
  readonly blobs: Map<string, Buffer>;
}

export function memoryBlobs(): MemoryBlobs {
  const blobs = new Map<string, Buffer>();
  return {
    blobs,
    async writeStream(source) {
      const parts: Buffer[] = [];
      for await (const chunk of source) parts.push(Buffer.from(chunk));
      const bytes = Buffer.concat(parts);
      const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
      blobs.set(digest, bytes);
      return { digest, size: bytes.length };
    },
  };
}
