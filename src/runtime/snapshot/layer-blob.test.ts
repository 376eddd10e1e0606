import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { chunked } from "../../common/tar/testing/tar-builder.ts";
import { writeLayerBlob } from "./layer-blob.ts";
import { memoryBlobs } from "./testing/fake-seams.ts";

const sha256 = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

describe("writeLayerBlob", () => {
  const tar = Buffer.from("not really a tar, but bytes are bytes ".repeat(5000));

  it("stores the gzip of the tar and names both: diffID of the tar, digest of the blob", async () => {
    const sink = memoryBlobs();
    const layer = await writeLayerBlob(chunked(tar, 4096), sink);
    expect(layer.diffId).toBe(sha256(tar));
    expect(layer.size).toBe(tar.length);
    const blob = sink.blobs.get(layer.blob.digest);
    expect(blob?.length).toBe(layer.blob.size);
    expect(gunzipSync(blob as Buffer).equals(tar)).toBe(true);
  });

  it("gives the same blob for the same tar, however it is chunked", async () => {
    const [a, b] = [await writeLayerBlob(chunked(tar, 4096), memoryBlobs()), await writeLayerBlob(chunked(tar, 333), memoryBlobs())];
    expect(a).toEqual(b);
  });

  it("fails when the tar does, storing nothing", async () => {
    const sink = memoryBlobs();
    async function* broken(): AsyncGenerator<Buffer> {
      yield tar.subarray(0, 100);
      throw new Error("upper dir unreadable");
    }
    await expect(writeLayerBlob(broken(), sink)).rejects.toThrow("upper dir unreadable");
    expect(sink.blobs.size).toBe(0);
  });
});
