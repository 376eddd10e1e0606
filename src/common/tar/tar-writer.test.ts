import { describe, it, expect } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { encodeHeader } from "./encode-header.ts";
import type { TarSourceEntry } from "./tar-entry.ts";
import { readTar } from "./tar-reader.ts";
import { chunked } from "./testing/tar-builder.ts";
import { writeTar } from "./tar-writer.ts";

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
      { name: "dir", type: "dir", mode: 0o755, mtime: 1_700_000_000 },
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
        { name: "a.txt", type: "file", body: Buffer.from("contents of a"), xattrs: new Map([["user.k", Buffer.from("v")]]) },
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

  it("writes what readTar reads back, field for field, whatever ustar cannot hold going through PAX", async () => {
    const entries: TarSourceEntry[] = [
      { name: "d", type: "dir", mode: 0o1777, uid: 5, gid: 6, uname: "u", gname: "g", mtime: 1_600_000_000 },
      { name: "d/f", type: "file", mode: 0o640, body: Buffer.from("body"), xattrs: new Map([["user.b", Buffer.from([0, 1])], ["user.a", Buffer.from("x")]]) },
      { name: "d/s", type: "symlink", linkname: `../${"t".repeat(120)}` },
      { name: "d/h", type: "hardlink", linkname: "d/f" },
      { name: "d/c", type: "char", devmajor: 1, devminor: 5 },
      { name: "d/b", type: "block", devmajor: 8, devminor: 16 },
      { name: "d/p", type: "fifo" },
      { name: `d/${"ü".repeat(70)}`, type: "file", uid: 4_000_000_000, gid: 3_000_000, mtime: 1_700_000_000.25, uname: "ü".repeat(40), body: Buffer.alloc(0) },
      { name: `${"n".repeat(200)}/${"m".repeat(100)}`, type: "file", mtime: -5, body: Buffer.from("z") },
    ];
    const back = [];
    for await (const e of readTar(chunked(await collect(entries), 1000))) back.push({ header: e.header, body: await e.readAll() });
    expect(back.map((e) => [e.header.name, e.header.type])).toEqual(entries.map((e) => [e.type === "dir" ? `${e.name}/` : e.name, e.type]));
    expect(back[0]?.header).toMatchObject({ mode: 0o1777, uid: 5, gid: 6, uname: "u", gname: "g", mtime: 1_600_000_000 });
    expect(back[1]?.header).toMatchObject({ mode: 0o640, size: 4 });
    expect(back[1]?.body.toString()).toBe("body");
    expect([...(back[1]?.header.xattrs ?? [])]).toEqual([["user.a", Buffer.from("x")], ["user.b", Buffer.from([0, 1])]]);
    expect(back[2]?.header.linkname).toBe(entries[2]?.linkname);
    expect(back[3]?.header.linkname).toBe("d/f");
    expect(back[4]?.header).toMatchObject({ devmajor: 1, devminor: 5 });
    expect(back[5]?.header).toMatchObject({ devmajor: 8, devminor: 16 });
    expect(back[7]?.header).toMatchObject({ uid: 4_000_000_000, gid: 3_000_000, mtime: 1_700_000_000.25, uname: "ü".repeat(40) });
    expect(back[8]?.header.mtime).toBe(-5);
    expect(back[8]?.body.toString()).toBe("z");
  });

  it("streams with backpressure: a body chunk is taken only when the consumer asks for more", async () => {
    let pulled = 0;
    async function* body() {
      for (let i = 0; i < 4; i++) {
        pulled++;
        yield Buffer.alloc(512, i);
      }
    }
    const out = writeTar([{ name: "f", type: "file", size: 2048, body: body() }]);
    await out.next(); // the header
    expect(pulled).toBe(0);
    await out.next();
    expect(pulled).toBe(1);
    await out.return(undefined);
  });

  it("checksums the header like ustar requires", () => {
    const h = encodeHeader({ name: "a", type: "file", size: 0 });
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    expect(parseInt(h.subarray(148, 154).toString("ascii"), 8)).toBe(sum);
  });
});
