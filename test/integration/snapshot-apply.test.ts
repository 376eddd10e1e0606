// Applying crafted layers as root and checking the resulting tree file by file.
import { createHash } from "node:crypto";
import { lstat, readFile, readlink, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { applyLayer } from "../../src/runtime/snapshot/index.ts";
import { childProcessRunner } from "../../src/common/spawn/child-process-runner.ts";
import { buildTar, chunked, type TestEntry } from "../../src/common/tar/testing/tar-builder.ts";
import { tempDir } from "../../src/runtime/snapshot/testing/fs-fixtures.ts";

const runner = childProcessRunner();
const sha256 = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

async function xattrs(path: string): Promise<Record<string, string>> {
  const { stdout } = await execa("getfattr", ["-h", "-d", "-m", "-", "-e", "hex", "--absolute-names", path]);
  const out: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    const m = /^([^#=][^=]*)=0x([0-9a-f]*)$/.exec(line);
    if (m) out[m[1] as string] = m[2] as string;
  }
  return out;
}

describe("applyLayer (root)", () => {
  it("recreates files, modes, owners, links, devices, fifos, xattrs and times", async () => {
    await using tmp = await tempDir("snap-apply");
    const cap = Buffer.from("0100000200200000000000000000000000000000", "hex");
    const entries: TestEntry[] = [
      { name: "./", type: "dir", mode: 0o755, mtime: 1_500_000_000 },
      { name: "./etc/", type: "dir", mode: 0o755, mtime: 1_600_000_000 },
      { name: "./etc/passwd", body: "root:x:0:0::/root:/bin/sh\n", mode: 0o644, mtime: 1_600_000_001 },
      { name: "./bin/", type: "dir", mode: 0o755, uid: 0, gid: 0 },
      { name: "./bin/su", body: "#!su", mode: 0o4755, uid: 0, gid: 0 },
      { name: "./bin/wall", body: "#!wall", mode: 0o2755, uid: 1234, gid: 5678 },
      { name: "./bin/ping", body: "#!ping", mode: 0o755, uid: 1234, gid: 5678, pax: { "SCHILY.xattr.security.capability": cap, "SCHILY.xattr.user.note": "hi" } },
      { name: "./tmp/", type: "dir", mode: 0o1777 },
      { name: "./srv/", type: "dir", mode: 0o2770, uid: 33, gid: 33, mtime: 1_400_000_000 },
      { name: "./srv/owned", body: "x", uid: 4_000_000, gid: 4_000_001, base256: true },
      { name: "./usr/bin/su2", type: "hardlink", linkname: "./bin/su" },
      { name: "./etc/abs-link", type: "symlink", linkname: "/etc/shadow", uid: 7, gid: 8, mtime: 1_234_567_890 },
      { name: "./etc/rel-link", type: "symlink", linkname: "../bin/su" },
      { name: "./dev/null", type: "char", devmajor: 1, devminor: 3, mode: 0o666 },
      { name: "./dev/sda", type: "block", devmajor: 8, devminor: 0, mode: 0o660, gid: 6 },
      { name: "./run/ctl", type: "fifo", mode: 0o620, uid: 5 },
      { name: `./deep/${"n".repeat(120)}/${"m".repeat(120)}`, body: "long", gnuLong: true },
      { name: "./pax-name", body: "p", pax: { path: "./dir with spaces/é", mtime: "1700000000.5" } },
    ];
    const tar = buildTar(entries);
    const target = join(tmp.path, "layer");
    const result = await applyLayer({ runner, source: chunked(gzipSync(tar), 1000), target });
    expect(result).toMatchObject({ diffId: sha256(tar), size: tar.length, compression: "gzip", entries: entries.length });

    const p = (rel: string) => join(target, rel);
    expect(await readFile(p("etc/passwd"), "utf8")).toBe("root:x:0:0::/root:/bin/sh\n");
    const su = await lstat(p("bin/su"));
    expect(su.mode & 0o7777).toBe(0o4755);
    const wall = await lstat(p("bin/wall"));
    expect([wall.mode & 0o7777, wall.uid, wall.gid]).toEqual([0o2755, 1234, 5678]);
    expect((await lstat(p("tmp"))).mode & 0o7777).toBe(0o1777);
    const srv = await lstat(p("srv"));
    expect([srv.mode & 0o7777, srv.uid, srv.gid, srv.mtimeMs]).toEqual([0o2770, 33, 33, 1_400_000_000_000]);
    const owned = await lstat(p("srv/owned"));
    expect([owned.uid, owned.gid]).toEqual([4_000_000, 4_000_001]);
    // Hard link across directories shares the inode.
    const su2 = await lstat(p("usr/bin/su2"));
    expect(su2.ino).toBe(su.ino);
    expect(su.nlink).toBe(2);
    // Symlinks keep their text and owner; the absolute one is not followed.
    expect(await readlink(p("etc/abs-link"))).toBe("/etc/shadow");
    const abs = await lstat(p("etc/abs-link"));
    expect([abs.isSymbolicLink(), abs.uid, abs.gid, abs.mtimeMs]).toEqual([true, 7, 8, 1_234_567_890_000]);
    expect(await readlink(p("etc/rel-link"))).toBe("../bin/su");
    const nul = await lstat(p("dev/null"));
    expect([nul.isCharacterDevice(), nul.rdev, nul.mode & 0o7777]).toEqual([true, (1 << 8) | 3, 0o666]);
    const sda = await lstat(p("dev/sda"));
    expect([sda.isBlockDevice(), sda.rdev, sda.mode & 0o7777, sda.gid]).toEqual([true, 8 << 8, 0o660, 6]);
    const fifo = await lstat(p("run/ctl"));
    expect([fifo.isFIFO(), fifo.mode & 0o7777, fifo.uid]).toEqual([true, 0o620, 5]);
    expect(await readFile(p(`deep/${"n".repeat(120)}/${"m".repeat(120)}`), "utf8")).toBe("long");
    const pax = await lstat(p("dir with spaces/é"));
    expect(pax.mtimeMs).toBe(1_700_000_000_500);
    // xattrs, incl. a binary capability set after chown (which would have dropped it).
    expect(await xattrs(p("bin/ping"))).toEqual({ "security.capability": cap.toString("hex"), "user.note": Buffer.from("hi").toString("hex") });
    expect(await xattrs(p("bin/su"))).toEqual({});
    // Directory times survive their children being written; the root takes "./".
    expect((await stat(p("etc"))).mtimeMs).toBe(1_600_000_000_000);
    expect((await stat(target)).mtimeMs).toBe(1_500_000_000_000);
    // No temp dir left beside the target.
    expect((await readdir(tmp.path)).sort()).toEqual(["layer"]);
  });

  it("writes whiteouts as 0/0 char devices and opaque dirs as trusted.overlay.opaque=y", async () => {
    await using tmp = await tempDir("snap-wh");
    const tar = buildTar([
      { name: "etc/", type: "dir" },
      { name: "etc/.wh.hosts" },
      { name: "etc/.wh.passwd" },
      { name: "var/lib/keep", body: "kept" },
      { name: "var/lib/.wh..wh..opq" },
      { name: "usr/.wh..wh.plnk", type: "dir" },
    ]);
    const target = join(tmp.path, "l");
    await applyLayer({ runner, source: chunked(tar, 512), target });
    for (const name of ["etc/hosts", "etc/passwd"]) {
      const st = await lstat(join(target, name));
      expect([st.isCharacterDevice(), st.rdev], name).toEqual([true, 0]);
    }
    expect((await readdir(join(target, "etc"))).sort()).toEqual(["hosts", "passwd"]);
    expect(await xattrs(join(target, "var/lib"))).toEqual({ "trusted.overlay.opaque": "79" });
    expect(await readFile(join(target, "var/lib/keep"), "utf8")).toBe("kept");
    // AUFS bookkeeping entries are dropped entirely.
    await expect(lstat(join(target, "usr"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("replaces entries like tar: file over file, dir over file, file over dir; dirs merge", async () => {
    await using tmp = await tempDir("snap-replace");
    const tar = buildTar([
      { name: "a", body: "first" },
      { name: "a", body: "second" },
      { name: "b", body: "file" },
      { name: "b", type: "dir", mode: 0o700 },
      { name: "b/inner", body: "in" },
      { name: "c/x", body: "gone" },
      { name: "c", body: "now a file" },
      { name: "d/one", body: "1" },
      { name: "d", type: "dir", mode: 0o750 },
      { name: "d/two", body: "2" },
    ]);
    const target = join(tmp.path, "l");
    await applyLayer({ runner, source: chunked(tar, 4096), target });
    expect(await readFile(join(target, "a"), "utf8")).toBe("second");
    expect(await readFile(join(target, "b/inner"), "utf8")).toBe("in");
    expect((await lstat(join(target, "b"))).mode & 0o777).toBe(0o700);
    expect(await readFile(join(target, "c"), "utf8")).toBe("now a file");
    expect((await readdir(join(target, "d"))).sort()).toEqual(["one", "two"]);
    expect((await lstat(join(target, "d"))).mode & 0o777).toBe(0o750);
  });

  it("streams a large file and hashes the exact stream, trailing padding included", async () => {
    await using tmp = await tempDir("snap-big");
    const big = Buffer.alloc(24 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i, i);
    const tar = Buffer.concat([buildTar([{ name: "big.bin", body: big, mode: 0o600 }]), Buffer.alloc(10_240)]);
    const target = join(tmp.path, "l");
    const progress: number[] = [];
    const r = await applyLayer({ runner, source: chunked(tar, 64 * 1024), target, onProgress: (p) => progress.push(p.uncompressedBytes) });
    expect(r.diffId).toBe(sha256(tar));
    expect(progress.length).toBeGreaterThan(10);
    expect(progress[progress.length - 1]).toBe(tar.length);
    expect(r.size).toBe(tar.length);
    expect((await readFile(join(target, "big.bin"))).equals(big)).toBe(true);
  });

  it("decompresses zstd layers through the zstd binary", async () => {
    await using tmp = await tempDir("snap-zstd");
    const tar = buildTar([{ name: "z/file", body: "zstd!" }]);
    const { stdout } = await execa("zstd", ["-c", "-q"], { input: tar, encoding: "buffer" });
    const r = await applyLayer({ runner, source: chunked(Buffer.from(stdout), 7), target: join(tmp.path, "l") });
    expect([r.compression, r.diffId]).toEqual(["zstd", sha256(tar)]);
    expect(await readFile(join(tmp.path, "l/z/file"), "utf8")).toBe("zstd!");
  });

  it("refuses an existing target and leaves it alone", async () => {
    await using tmp = await tempDir("snap-exists");
    await expect(applyLayer({ runner, source: chunked(buildTar([{ name: "a" }]), 512), target: tmp.path })).rejects.toMatchObject({
      kind: "Conflict",
    });
  });

  it("removes the temp dir when the stream is corrupt or aborted", async () => {
    await using tmp = await tempDir("snap-corrupt");
    const tar = buildTar([{ name: "a", body: "x".repeat(5000) }, { name: "b", body: "y" }]);
    await expect(applyLayer({ runner, source: chunked(tar.subarray(0, 3000), 512), target: join(tmp.path, "l") })).rejects.toMatchObject({
      kind: "DataLoss",
    });
    const ac = new AbortController();
    ac.abort();
    await expect(applyLayer({ runner, source: chunked(tar, 512), target: join(tmp.path, "m"), signal: ac.signal })).rejects.toThrow();
    expect(await readdir(tmp.path)).toEqual([]);
  });
});
