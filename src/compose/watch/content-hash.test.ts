import { mkdtemp, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { argumentChunks } from "./container-exec.ts";
import { HostHashes, parseSha256sum } from "./content-hash.ts";

const H = "a".repeat(64);
const G = "b".repeat(64);

describe("parseSha256sum", () => {
  it("reads busybox's and GNU's lines, GNU's escaped names included", () => {
    const out = `${H}  /app/a.js\n${G} */app/b c.bin\n\\${H}  /app/back\\\\slash\\nnewline\nsha256sum: /app/gone: No such file or directory\n`;
    expect(parseSha256sum(out)).toEqual(new Map([["/app/a.js", H], ["/app/b c.bin", G], ["/app/back\\slash\nnewline", H]]));
  });
});

describe("argumentChunks", () => {
  it("splits long argument lists, never leaving a chunk empty", () => {
    expect(argumentChunks(["aaaa", "bbbb", "cccc"], 10)).toEqual([["aaaa", "bbbb"], ["cccc"]]);
    expect(argumentChunks(["a-very-long-path"], 4)).toEqual([["a-very-long-path"]]);
    expect(argumentChunks([])).toEqual([]);
  });
});

describe("HostHashes", () => {
  it("hashes content, and again only when the file's identity changes", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tstack-hash-"));
    try {
      const f = join(dir, "a.txt");
      await writeFile(f, "hello");
      const h = new HostHashes();
      expect(await h.of(f, await stat(f))).toBe("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
      await writeFile(f, "HELLO");
      await utimes(f, 1, 1);
      expect(await h.of(f, await stat(f))).toBe("3733cd977ff8eb18b987357e22ced99f46097f31ecb239e878ae63760e83e4d5");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
