// Scenario: an image of three layers is unpacked by the snapshotter, a container rootfs is
// mounted as overlay from the description of an active snapshot over it, and the merged view shows deletions and
// opaque directories the way the image author meant them.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { chainIds, createSnapshotter, type LayerSource } from "../../src/runtime/snapshot/index.ts";
import { childProcessRunner } from "../../src/common/spawn/child-process-runner.ts";
import { tempDir } from "../../src/runtime/snapshot/testing/fs-fixtures.ts";
import { buildTar, chunked, type TestEntry } from "../../src/common/tar/testing/tar-builder.ts";

const runner = childProcessRunner();
const sha256 = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

function layer(entries: TestEntry[], opens?: { count: number }): LayerSource & { tar: Buffer } {
  const tar = buildTar(entries);
  const gz = gzipSync(tar);
  return {
    tar,
    diffId: sha256(tar),
    open() {
      if (opens) opens.count++;
      return chunked(gz, 8192);
    },
  };
}

const base = () =>
  layer([
    { name: "etc/", type: "dir" },
    { name: "etc/passwd", body: "root:x:0:0\n" },
    { name: "etc/hosts", body: "127.0.0.1 localhost\n" },
    { name: "etc/shadow", body: "root:*:1::::::\n", mode: 0o600 },
    { name: "data/a", body: "a" },
    { name: "data/b", body: "b" },
    { name: "opq/old1", body: "1" },
    { name: "opq/sub/old2", body: "2" },
    { name: "bin/tool", body: "v1", mode: 0o755 },
  ]);
const middle = () =>
  layer([
    { name: "etc/.wh.hosts" },
    // A second whiteout in one layer shares the first one's device inode.
    { name: "etc/.wh.shadow" },
    { name: "opq/new", body: "new" },
    { name: "opq/.wh..wh..opq" },
    { name: "bin/tool", body: "v2", mode: 0o755 },
  ]);
const top = () => layer([{ name: "etc/added", body: "added" }, { name: ".wh.data" }]);

async function mounted<T>(desc: { options: readonly string[]; cwd?: string }, at: string, fn: () => Promise<T>): Promise<T> {
  await execa("mount", ["-t", "overlay", "overlay", "-o", desc.options.join(","), at], desc.cwd ? { cwd: desc.cwd } : {});
  try {
    return await fn();
  } finally {
    await execa("umount", [at]);
  }
}

describe("snapshotter + overlay (root)", () => {
  it("stacks three layers: whiteouts delete, opaque dirs hide lower content, upper gets writes", async () => {
    await using tmp = await tempDir("snap-overlay");
    const snapshots = createSnapshotter({ runner, root: join(tmp.path, "state") });
    const layers = [base(), middle(), top()];
    const infos = await snapshots.unpack(layers);
    const ids = chainIds(layers.map((l) => l.diffId));
    expect(infos.map((i) => i.chainId)).toEqual(ids);
    expect(infos.map((i) => i.parent)).toEqual([undefined, ids[0], ids[1]]);
    expect(infos.map((i) => i.size)).toEqual(layers.map((l) => l.tar.length));

    const { upperDir: upper } = await snapshots.prepare("c", ids.at(-1));
    const merged = join(tmp.path, "c/merged");
    await mkdir(merged, { recursive: true });
    const desc = await snapshots.mounts("c");
    expect(desc.options[0]).toBe(`lowerdir=${[...infos].reverse().map((i) => i.path).join(":")}`);

    await mounted(desc, merged, async () => {
      expect((await readdir(merged)).sort()).toEqual(["bin", "etc", "opq"]);
      expect((await readdir(join(merged, "etc"))).sort()).toEqual(["added", "passwd"]);
      expect((await readdir(join(merged, "opq"))).sort()).toEqual(["new"]);
      expect(await readFile(join(merged, "bin/tool"), "utf8")).toBe("v2");
      await writeFile(join(merged, "etc/passwd"), "changed\n");
    });
    // Writes went to the container's upper dir, never into a shared layer.
    expect(await readFile(join(upper, "etc/passwd"), "utf8")).toBe("changed\n");
    expect(await readFile(join(infos[0]?.path as string, "etc/passwd"), "utf8")).toBe("root:x:0:0\n");
  });

  it("mounts deep stacks from relative lowerdirs with the returned cwd", async () => {
    await using tmp = await tempDir("snap-deep");
    const snapshots = createSnapshotter({ runner, root: join(tmp.path, "state"), durable: false });
    const layers = Array.from({ length: 50 }, (_, i) => layer([{ name: `f${i}`, body: String(i) }, ...(i > 0 ? [{ name: `.wh.f${i - 1}` }] : [])]));
    await snapshots.unpack(layers);
    const ids = chainIds(layers.map((l) => l.diffId));
    const merged = join(tmp.path, "merged");
    await mkdir(merged);
    await snapshots.prepare("deep", ids.at(-1));
    const desc = await snapshots.mounts("deep");
    expect(desc.cwd).toBe(join(tmp.path, "state/snapshots"));
    await mounted(desc, merged, async () => {
      expect(await readdir(merged)).toEqual(["f49"]);
    });
  });

  it("unpacks each layer once for concurrent unpacks, and skips existing snapshots", async () => {
    await using tmp = await tempDir("snap-once");
    const snapshots = createSnapshotter({ runner, root: join(tmp.path, "state") });
    const opens = { count: 0 };
    const l0 = layer([{ name: "a", body: "a" }], opens);
    const l1 = layer([{ name: "b", body: "b" }], opens);
    const results = await Promise.all([snapshots.unpack([l0, l1]), snapshots.unpack([l0, l1]), snapshots.unpack([l0])]);
    expect(opens.count).toBe(2);
    expect(results[0]).toEqual(results[1]);
    await snapshots.unpack([l0, l1]);
    expect(opens.count).toBe(2);
    expect((await snapshots.list()).map((s) => s.chainId).sort()).toEqual(chainIds([l0.diffId, l1.diffId]).sort());
  });

  it("unpackLayer builds a chain one layer at a time, in any order, and checks the chain ID", async () => {
    await using tmp = await tempDir("snap-layerwise");
    const snapshots = createSnapshotter({ runner, root: join(tmp.path, "state") });
    const layers = [base(), middle(), top()];
    const ids = chainIds(layers.map((l) => l.diffId));
    // The top layer's blob may arrive first.
    const topInfo = await snapshots.unpackLayer(ids[2] as string, ids[1], layers[2] as LayerSource);
    expect(topInfo).toMatchObject({ chainId: ids[2], parent: ids[1], diffId: layers[2]?.diffId });
    await snapshots.unpackLayer(ids[0] as string, undefined, layers[0] as LayerSource);
    await snapshots.unpackLayer(ids[1] as string, ids[0], layers[1] as LayerSource);
    expect((await snapshots.list()).map((s) => s.chainId).sort()).toEqual([...ids].sort());
    await expect(snapshots.unpackLayer(ids[2] as string, ids[0], layers[2] as LayerSource)).rejects.toMatchObject({
      kind: "InvalidArgument",
    });
  });

  it("two snapshotters (processes) racing on one layer both succeed and keep one copy", async () => {
    await using tmp = await tempDir("snap-race");
    const root = join(tmp.path, "state");
    const l0 = layer(Array.from({ length: 200 }, (_, i) => ({ name: `d/f${i}`, body: "x".repeat(i) })));
    const [a, b] = await Promise.all([createSnapshotter({ runner, root }).unpack([l0]), createSnapshotter({ runner, root }).unpack([l0])]);
    expect(a).toEqual(b);
    expect(await readdir(join(root, "snapshots"))).toHaveLength(1);
    expect(await readdir(join(root, "staging"))).toEqual([]);
  });

  it("rejects a layer whose content does not match its diffID and keeps nothing", async () => {
    await using tmp = await tempDir("snap-dataloss");
    const snapshots = createSnapshotter({ runner, root: join(tmp.path, "state") });
    const good = layer([{ name: "a", body: "a" }]);
    const lying = { ...good, diffId: sha256(Buffer.from("something else")) };
    await expect(snapshots.unpack([lying])).rejects.toMatchObject({ kind: "DataLoss" });
    expect(await snapshots.has(chainIds([lying.diffId])[0] as string)).toBe(false);
    expect(await snapshots.list()).toEqual([]);
    expect(await readdir(join(tmp.path, "state/staging"))).toEqual([]);
  });

  it("removes snapshots top-down, reports usage and refuses removing a parent", async () => {
    await using tmp = await tempDir("snap-remove");
    const snapshots = createSnapshotter({ runner, root: join(tmp.path, "state") });
    const l0 = layer([{ name: "big", body: Buffer.alloc(100_000, 1) }, { name: "link", type: "hardlink", linkname: "big" }]);
    const l1 = layer([{ name: "small", body: "s" }]);
    const [s0, s1] = await snapshots.unpack([l0, l1]);
    const usage = await snapshots.usage(s0?.chainId as string);
    expect(usage.inodes).toBe(2); // root dir + one inode shared by two names
    expect(usage.bytes).toBeGreaterThanOrEqual(100_000);
    expect(usage.bytes).toBeLessThan(200_000);
    await expect(snapshots.remove(s0?.chainId as string)).rejects.toMatchObject({ kind: "Conflict" });
    await snapshots.remove(s1?.chainId as string);
    await snapshots.remove(s0?.chainId as string);
    expect(await snapshots.list()).toEqual([]);
    await expect(snapshots.remove(s0?.chainId as string)).rejects.toMatchObject({ kind: "NotFound" });
  });

  it("collects leftovers of an interrupted unpack", async () => {
    await using tmp = await tempDir("snap-gc");
    const root = join(tmp.path, "state");
    const snapshots = createSnapshotter({ runner, root });
    const [kept] = await snapshots.unpack([layer([{ name: "a", body: "a" }])]);
    await mkdir(join(root, "staging", `${"ab".repeat(32)}-123456/fs.tmp-1/x`), { recursive: true });
    await mkdir(join(root, "trash", `${"cd".repeat(32)}-654321/fs`), { recursive: true });
    await snapshots.collectGarbage();
    expect(await readdir(join(root, "staging"))).toEqual([]);
    expect(await readdir(join(root, "trash"))).toEqual([]);
    expect(await snapshots.has(kept?.chainId as string)).toBe(true);
  });
});
