import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { isKind } from "../../common/errors.ts";
import { decompress, detectCompression } from "./decompress.ts";
import type { ProcessRunner } from "../../common/spawn/process-runner.ts";
import { chunked } from "../../common/tar/testing/tar-builder.ts";
import { collect, errorOf } from "./testing/async.ts";


describe("decompress", () => {
  it("detects formats by magic", () => {
    expect(detectCompression(Buffer.from([0x1f, 0x8b, 8]))).toBe("gzip");
    expect(detectCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))).toBe("zstd");
    expect(detectCompression(Buffer.from("BZh91AY"))).toBe("bzip2");
    expect(detectCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0]))).toBe("xz");
    expect(detectCompression(Buffer.from("hello"))).toBe("none");
    expect(detectCompression(Buffer.alloc(0))).toBe("none");
  });
  it("passes plain data through and gunzips gzip, whatever the chunking", async () => {
    const data = Buffer.from("x".repeat(10_000) + "end");
    expect((await collect(decompress(chunked(data, 3)))).equals(data)).toBe(true);
    expect((await collect(decompress(chunked(gzipSync(data), 2)))).equals(data)).toBe(true);
  });
  it("reports corrupt gzip", async () => {
    const gz = gzipSync(Buffer.alloc(100_000, 1));
    gz[20] = (gz[20] ?? 0) ^ 0xff;
    await expect(collect(decompress(chunked(gz, 1000)))).rejects.toThrow();
  });
  it("zstd without a runner or without the binary is Unimplemented", async () => {
    const z = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]);
    expect(isKind(await errorOf(collect(decompress(chunked(z, 4)))), "Unimplemented")).toBe(true);
    const missing: ProcessRunner = {
      run: () => Promise.reject(Object.assign(new Error("spawn"), { code: "ENOENT" })),
      pipe: () => {
        throw Object.assign(new Error("spawn zstd ENOENT"), { code: "ENOENT" });
      },
    };
    expect(isKind(await errorOf(collect(decompress(chunked(z, 4), { runner: missing }))), "Unimplemented")).toBe(true);
  });
});
