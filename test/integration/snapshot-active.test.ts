// Scenario: a writable snapshot over an image's layers, used as a container would use it (files
// written, deleted, replaced, renamed, a directory emptied and made again) through a real
// overlay mount; then its diff as an OCI layer tar, its commit as a layer, and the committed
// layer under a new writable snapshot, which must show exactly the tree that was written. The
// same diff unpacked as an ordinary image layer elsewhere must show it too.
import { createHash } from "node:crypto";
import { appendFile, link, lstat, lutimes, mkdir, readdir, readFile, readlink, rename, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { buildTar, chunked, type TestEntry } from "../../src/common/tar/testing/tar-builder.ts";
import { readTar } from "../../src/common/tar/index.ts";
import { createContentStore } from "../../src/runtime/content/content-store.ts";
import { createMounter } from "../../src/runtime/containers/mounter.ts";
import { childProcessRunner } from "../../src/common/spawn/child-process-runner.ts";
import { chainIds, createSnapshotter, type LayerSource, type Snapshotter } from "../../src/runtime/snapshot/index.ts";
import { tempDir } from "../../src/runtime/snapshot/testing/fs-fixtures.ts";

const sha256 = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const runner = childProcessRunner();
const mounter = createMounter(runner);

function layer(entries: TestEntry[]): LayerSource {
  const tar = buildTar(entries);
  return { diffId: sha256(tar), open: () => chunked(gzipSync(tar), 8192) };
}

// The image: a base layer and one on top with a whiteout of its own.
const image = () => [
  layer([
    { name: "bin/tool", body: "v1", mode: 0o755 },
    { name: "etc/passwd", body: "root:x:0:0\n" },
    { name: "etc/hosts", body: "127.0.0.1 localhost\n" },
    { name: "etc/gone", body: "bye" },
    { name: "data/a", body: "a" },
    { name: "data/b", body: "b" },
    { name: "keep/file", body: "k" },
    { name: "opq/old1", body: "1" },
    { name: "opq/sub/old2", body: "2" },
  ]),
  layer([{ name: "bin/tool", body: "v2", mode: 0o755 }, { name: "etc/.wh.hosts" }]),
];

// What a container does to its root filesystem.
async function useAsContainer(root: string): Promise<void> {
  await appendFile(join(root, "etc/passwd"), "app:x:1000:1000\n");
  await rm(join(root, "etc/gone"));
  await writeFile(join(root, "bin/tool"), "v3");
  await rename(join(root, "data/a"), join(root, "data/renamed"));
  await execa("chown", ["1000:1000", join(root, "data/b")]);
  await rm(join(root, "keep"), { recursive: true });
  await rm(join(root, "opq"), { recursive: true });
  await mkdir(join(root, "opq"));
  await writeFile(join(root, "opq/new"), "new");
  await mkdir(join(root, "srv/www"), { recursive: true });
  await writeFile(join(root, "srv/www/index.html"), "<h1>hi</h1>");
  await link(join(root, "srv/www/index.html"), join(root, "srv/hard"));
  await symlink("www/index.html", join(root, "srv/link"));
  await execa("mkfifo", [join(root, "srv/pipe")]);
  await execa("mknod", ["-m", "0666", join(root, "srv/null"), "c", "1", "3"]);
  await execa("setfattr", ["-n", "user.note", "-v", "hello", join(root, "srv/www/index.html")]);
}

// The tree as a list a person can read: type and mode, owner, links, size, whole-second mtime
// (non-directories), content digest or link target, user.note.
async function view(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const p = join(dir, name);
      const st = await lstat(p);
      const what = st.isFile() ? sha256(await readFile(p)).slice(7, 19) : st.isSymbolicLink() ? `-> ${await readlink(p)}` : "";
      const note = st.isFile() ? (await execa("getfattr", ["--only-values", "-n", "user.note", p], { reject: false })).stdout : "";
      const time = st.isDirectory() ? "" : String(Math.floor(st.mtimeMs / 1000));
      out.push(`${p.slice(root.length)} ${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.nlink} ${st.isFile() ? st.size : ""} ${time} ${what} ${note}`.trim());
      if (st.isDirectory()) await walk(p);
    }
  };
  await walk(root);
  return out;
}

async function withMount<T>(snapshots: Snapshotter, key: string, at: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(at, { recursive: true });
  await mounter.mount(await snapshots.mounts(key), at);
  try {
    return await fn();
  } finally {
    await mounter.unmount(at);
  }
}

async function tarMembers(bytes: AsyncIterable<Buffer>): Promise<string[]> {
  const out: string[] = [];
  for await (const e of readTar(bytes)) {
    const h = e.header;
    const x = [...h.xattrs.keys()].join(",");
    out.push(`${h.type} ${h.name}${h.linkname ? ` -> ${h.linkname}` : ""} ${h.mode.toString(8)} ${h.uid}:${h.gid} ${h.size}${x ? ` [${x}]` : ""}`);
    await e.readAll();
  }
  return out;
}

describe("active snapshots on a real overlay (root)", () => {
  it("diffs what was written as an OCI layer, commits it without unpacking, and shows it again as a lower layer", async () => {
    await using tmp = await tempDir("snap-active");
    const content = await createContentStore(join(tmp.path, "content"));
    const snapshots = createSnapshotter({ root: join(tmp.path, "state"), runner, blobs: content });
    const layers = image();
    const ids = chainIds(layers.map((l) => l.diffId));
    await snapshots.unpack(layers);

    await snapshots.prepare("ctr", ids.at(-1));
    const written = await withMount(snapshots, "ctr", join(tmp.path, "rootfs"), async () => {
      await useAsContainer(join(tmp.path, "rootfs"));
      return view(join(tmp.path, "rootfs"));
    });
    expect(written).toContain("/opq 40755 0:0 2");
    expect(written.filter((l) => l.startsWith("/opq/"))).toEqual([expect.stringMatching(/^\/opq\/new 100644 0:0 1 3 /)]);
    expect(written.some((l) => l.startsWith("/keep") || l.startsWith("/etc/gone") || l.startsWith("/data/a "))).toBe(false);

    expect(await tarMembers(snapshots.diff("ctr"))).toEqual([
      "dir bin/ 755 0:0 0",
      "file bin/tool 755 0:0 2",
      "dir data/ 755 0:0 0",
      "file data/.wh.a 600 0:0 0",
      "file data/b 644 1000:1000 1",
      "file data/renamed 644 0:0 1",
      "dir etc/ 755 0:0 0",
      "file etc/.wh.gone 600 0:0 0",
      "file etc/passwd 644 0:0 27",
      "file .wh.keep 600 0:0 0",
      "dir opq/ 755 0:0 0",
      "file opq/.wh..wh..opq 755 0:0 0",
      "file opq/new 644 0:0 3",
      "dir srv/ 755 0:0 0",
      "file srv/hard 644 0:0 11 [user.note]",
      "symlink srv/link -> www/index.html 777 0:0 0",
      "char srv/null 666 0:0 0",
      "fifo srv/pipe 644 0:0 0",
      "dir srv/www/ 755 0:0 0",
      "hardlink srv/www/index.html -> srv/hard 644 0:0 0 [user.note]",
    ]);

    const committed = await snapshots.commit("ctr");
    expect(committed.chainId).toBe(chainIds([...layers.map((l) => l.diffId), committed.diffId]).at(-1));
    expect(await content.info(committed.blob.digest as `sha256:${string}`)).toEqual({ digest: committed.blob.digest, size: committed.blob.size });
    expect(await snapshots.listActive()).toEqual([]);

    // The committed layer under a new writable snapshot: the same tree as written.
    await snapshots.prepare("next", committed.chainId);
    expect(await withMount(snapshots, "next", join(tmp.path, "rootfs2"), () => view(join(tmp.path, "rootfs2")))).toEqual(written);
    await snapshots.remove("next");

    // The blob, unpacked as an image layer by another snapshotter, gives that tree too.
    const fresh = createSnapshotter({ root: join(tmp.path, "state2"), runner, blobs: content });
    const diffLayer: LayerSource = { diffId: committed.diffId, open: () => content.open(committed.blob.digest as `sha256:${string}`) };
    await fresh.unpack([...image(), diffLayer]);
    await fresh.prepare("again", committed.chainId);
    expect(await withMount(fresh, "again", join(tmp.path, "rootfs3"), () => view(join(tmp.path, "rootfs3")))).toEqual(written);
    await fresh.remove("again");
  });

  it("commits the same content to the same diffID and blob, and keeps the first snapshot", async () => {
    await using tmp = await tempDir("snap-determinism");
    const content = await createContentStore(join(tmp.path, "content"));
    const snapshots = createSnapshotter({ root: join(tmp.path, "state"), runner, blobs: content });
    const layers = image();
    await snapshots.unpack(layers);
    const parent = chainIds(layers.map((l) => l.diffId)).at(-1);
    const results = [];
    for (const key of ["first", "second"]) {
      const { upperDir } = await snapshots.prepare(key, parent);
      await withMount(snapshots, key, join(tmp.path, key), () => useAsContainer(join(tmp.path, key)));
      await setTimes(upperDir, 1_700_000_000);
      results.push(await snapshots.commit(key));
    }
    const [a, b] = results;
    expect(b?.diffId).toBe(a?.diffId);
    expect(b?.blob).toEqual(a?.blob);
    expect(b?.chainId).toBe(a?.chainId);
    expect((await snapshots.list()).filter((s) => s.parent === parent).map((s) => s.chainId)).toEqual([a?.chainId]);
    expect(await snapshots.listActive()).toEqual([]);
  });
});

// Everything under `dir` (whiteouts too) gets one time, as a build tool pinning mtimes would.
async function setTimes(dir: string, seconds: number): Promise<void> {
  for (const name of await readdir(dir)) {
    const p = join(dir, name);
    if ((await lstat(p)).isDirectory()) await setTimes(p, seconds);
    await lutimes(p, seconds, seconds);
  }
}
