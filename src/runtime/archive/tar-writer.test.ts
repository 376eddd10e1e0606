import { describe, it, expect } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { encodeHeader, writeTar, type TarSourceEntry } from "./tar-writer.ts";

async function collect(entries: TarSourceEntry[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of writeTar(entries)) parts.push(b);
  return Buffer.concat(parts);
}

// GNU tar (always on Debian) is the independent reader that checks our output.
function listWithTar(buf: Buffer): string {
  return execFileSync("tar", ["--list", "--verbose", "--numeric-owner", "--full-time", "--file", "-"], { input: buf }).toString();
}

describe("tar writer", () => {
  it("writes entries GNU tar reads back with names, modes, owners and links", async () => {
    const longName = `${"deep/".repeat(40)}file.txt`;
    const buf = await collect([
      { name: "dir", type: "directory", mode: 0o755, mtime: 1_700_000_000 },
      { name: "dir/hello.txt", type: "file", mode: 0o4755, uid: 1000, gid: 50, body: Buffer.from("hi\n"), mtime: 1 },
      { name: "dir/link", type: "symlink", linkname: "hello.txt" },
      { name: "dir/hard", type: "hardlink", linkname: "dir/hello.txt" },
      { name: longName, type: "file", body: Buffer.from("x") },
      { name: "big-uid", type: "file", uid: 3_000_000, body: Buffer.alloc(0) },
      { name: "dev/null", type: "char", devmajor: 1, devminor: 3, mode: 0o666 },
      { name: "fifo", type: "fifo" },
    ]);
    expect(buf.length % 512).toBe(0);
    const listing = listWithTar(buf);
    expect(listing).toMatch(/^drwxr-xr-x 0\/0\s+0 .* dir\/$/m);
    expect(listing).toMatch(/^-rwsr-xr-x 1000\/50\s+3 .* dir\/hello.txt$/m);
    expect(listing).toMatch(/dir\/link -> hello.txt/);
    expect(listing).toMatch(/dir\/hard link to dir\/hello.txt/);
    expect(listing).toContain(longName);
    expect(listing).toMatch(/3000000\/0 .* big-uid/);
    expect(listing).toMatch(/^crw-rw-rw- 0\/0\s+1,3 .* dev\/null$/m);
    expect(listing).toMatch(/^prw-r--r-- .* fifo$/m);
  });

  it("extracts file contents and xattrs through GNU tar", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tstack-tarw-"));
    try {
      const buf = await collect([
        { name: "a.txt", type: "file", body: Buffer.from("contents of a"), xattrs: { "user.k": Buffer.from("v") } },
      ]);
      await writeFile(join(dir, "x.tar"), buf);
      execFileSync("tar", ["--xattrs", "--xattrs-include=*", "-xf", join(dir, "x.tar"), "-C", dir]);
      expect(execFileSync("cat", [join(dir, "a.txt")]).toString()).toBe("contents of a");
      const pax = buf.subarray(0, 2048).toString("latin1");
      expect(pax).toContain("SCHILY.xattr.user.k=v");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses a body that does not match its size", async () => {
    await expect(collect([{ name: "f", type: "file", size: 5, body: Buffer.from("abc") }])).rejects.toThrow(/expected 5/);
    await expect(collect([{ name: "f", type: "file", size: 2, body: Buffer.from("abc") }])).rejects.toThrow(/longer/);
  });

  it("checksums the header like ustar requires", () => {
    const h = encodeHeader({ name: "a", type: "file", size: 0 });
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    expect(parseInt(h.subarray(148, 154).toString("ascii"), 8)).toBe(sum);
  });
});
