import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { isKind } from "../../common/errors.ts";
import { chainIds } from "./chain-id.ts";
import { decompress, detectCompression } from "./decompress.ts";
import { entryComponents } from "./entry-path.ts";
import { computeChecksums, parseNumeric } from "./tar-header.ts";
import { chunked } from "./testing/tar-writer.ts";
import { classifyWhiteout } from "./whiteout.ts";
import { formatXattrDump, quoteDumpField } from "./xattr-dump.ts";
import type { ProcessRunner } from "./process-runner.ts";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const d = (c: string) => `sha256:${c.repeat(64)}`;

describe("chainIds", () => {
  it("follows the OCI definition", () => {
    const [a, b, c] = [d("a"), d("b"), d("c")];
    const ids = chainIds([a, b, c]);
    const second = `sha256:${sha(`${a} ${b}`)}`;
    expect(ids).toEqual([a, second, `sha256:${sha(`${second} ${c}`)}`]);
  });
  it("rejects non-digests", () => {
    expect(() => chainIds(["sha256:xyz"])).toThrow(/not a sha256 digest/);
  });
});

describe("entryComponents", () => {
  it("normalises", () => {
    expect(entryComponents("./a//b/./c/")).toEqual(["a", "b", "c"]);
    expect(entryComponents("/abs/evil")).toEqual(["abs", "evil"]);
    expect(entryComponents("./")).toEqual([]);
    expect(entryComponents("..a/b..")).toEqual(["..a", "b.."]);
  });
  it("rejects .. and NUL", () => {
    for (const bad of ["..", "../x", "a/../b", "a/..", "x\0y"]) {
      expect(() => entryComponents(bad), bad).toThrow();
    }
  });
});

describe("classifyWhiteout", () => {
  it("classifies", () => {
    expect(classifyWhiteout(["a", ".wh.b"], "")).toEqual({ kind: "whiteout", dir: ["a"], name: "b" });
    expect(classifyWhiteout([".wh..wh..opq"], "")).toEqual({ kind: "opaque", dir: [] });
    expect(classifyWhiteout(["x", ".wh..wh.plnk"], "")).toEqual({ kind: "aufs-meta" });
    expect(classifyWhiteout(["a", "b.wh.c"], "")).toEqual({ kind: "none" });
    expect(() => classifyWhiteout([".wh..."], ".wh...")).toThrow(/refusing/);
  });
});

describe("tar header numbers", () => {
  it("parses octal with padding and base-256", () => {
    expect(parseNumeric(Buffer.from(" 0000755\0"), 0, 8, "m")).toBe(0o755);
    expect(parseNumeric(Buffer.from("\0\0\0\0\0\0\0\0"), 0, 8, "m")).toBe(0);
    expect(parseNumeric(Buffer.from([0x80, 0, 0, 0, 0, 0, 1, 0]), 0, 8, "u")).toBe(256);
    expect(parseNumeric(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]), 0, 8, "t")).toBe(-2);
    expect(() => parseNumeric(Buffer.from("0009x\0\0\0"), 0, 8, "m")).toThrow(/octal/);
    expect(() => parseNumeric(Buffer.from([0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 0, 8, "s")).toThrow(/range/);
  });
  it("computes checksums with the field as spaces", () => {
    const b = Buffer.alloc(512);
    expect(computeChecksums(b)).toEqual([256, 256]);
    b[0] = 200;
    expect(computeChecksums(b)).toEqual([456, 256 - 56]);
  });
});

describe("xattr dump", () => {
  it("quotes odd bytes and hex-encodes values", () => {
    expect(quoteDumpField("a\nb\\c=é")).toBe("a\\012b\\134c\\075\\303\\251");
    const text = formatXattrDump([
      { path: "/r/f", xattrs: new Map([["security.capability", Buffer.from([0, 1, 255])]]) },
      { path: "/r/d", xattrs: new Map([["trusted.overlay.opaque", Buffer.from("y")]]) },
    ]);
    expect(text).toBe("# file: /r/f\nsecurity.capability=0x0001ff\n\n# file: /r/d\ntrusted.overlay.opaque=0x79\n");
  });
});

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}
async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

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
