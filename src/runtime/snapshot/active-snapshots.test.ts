import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { childChainId } from "./chain-id.ts";
import { createSnapshotter } from "./snapshotter.ts";
import { errorOf } from "./testing/async.ts";
import { fakeProcessRunner } from "../../common/spawn/testing/fake-process-runner.ts";
import { memoryBlobs } from "./testing/fake-seams.ts";
import { tempDir } from "./testing/fs-fixtures.ts";

// Active snapshots on a real directory tree, with getfattr and the content store faked: no root
// needed (whiteouts and overlay mounts: test/integration/snapshot-active.test.ts).
async function setup() {
  const dir = await tempDir("active");
  const blobs = memoryBlobs();
  const runner = fakeProcessRunner();
  const root = join(dir.path, "state");
  const snapshots = createSnapshotter({ root, runner, blobs, durable: false, now: () => new Date("2024-05-01T00:00:00Z") });
  return { dir, root, blobs, runner, snapshots, [Symbol.asyncDispose]: () => dir[Symbol.asyncDispose]() };
}

describe("active snapshots", () => {
  it("prepares a writable layer and describes its mount: over nothing, then over a committed chain", async () => {
    await using env = await setup();
    const { snapshots, root } = env;
    const base = await snapshots.prepare("base", undefined, { labels: { purpose: "test" } });
    expect(base).toEqual({
      key: "base",
      labels: { purpose: "test" },
      createdAt: "2024-05-01T00:00:00.000Z",
      upperDir: join(root, "active/base/fs"),
      workDir: join(root, "active/base/work"),
    });
    expect(await snapshots.mounts("base")).toEqual({
      type: "overlay",
      source: "overlay",
      options: [`lowerdir=${join(root, "snapshots/empty")}`, `upperdir=${base.upperDir}`, `workdir=${base.workDir}`],
    });
    await writeFile(join(base.upperDir, "hello"), "hi");
    const layer = await snapshots.commit("base");

    const child = await snapshots.prepare("child", layer.chainId);
    expect(child.parent).toBe(layer.chainId);
    expect((await snapshots.mounts("child")).options[0]).toBe(`lowerdir=${snapshots.fsPath(layer.chainId)}`);
    expect((await snapshots.listActive()).map((s) => s.key)).toEqual(["child"]);
    expect(await snapshots.stat("child")).toEqual(child);
  });

  it("refuses a taken key, a key that is no file name, and a parent that does not exist", async () => {
    await using env = await setup();
    await env.snapshots.prepare("c1", undefined);
    expect(await errorOf(env.snapshots.prepare("c1", undefined))).toMatchObject({ kind: "Conflict" });
    expect(await errorOf(env.snapshots.prepare("a/b", undefined))).toMatchObject({ kind: "InvalidArgument" });
    expect(await errorOf(env.snapshots.prepare("sha256:x", undefined))).toMatchObject({ kind: "InvalidArgument" });
    expect(await errorOf(env.snapshots.prepare("c2", `sha256:${"a".repeat(64)}`))).toMatchObject({ kind: "NotFound" });
    expect(await errorOf(env.snapshots.mounts("nope"))).toMatchObject({ kind: "NotFound" });
  });

  it("commits by moving the layer in: blob stored, chain ID from parent and diffID, the key gone", async () => {
    await using env = await setup();
    const { snapshots, blobs } = env;
    const a = await snapshots.prepare("a", undefined);
    await writeFile(join(a.upperDir, "one"), "1");
    const bottom = await snapshots.commit("a");
    expect(bottom.chainId).toBe(bottom.diffId);

    const b = await snapshots.prepare("b", bottom.chainId);
    await mkdir(join(b.upperDir, "dir"));
    await writeFile(join(b.upperDir, "dir/two"), "2");
    const top = await snapshots.commit("b");
    expect(top.chainId).toBe(childChainId(bottom.chainId, top.diffId));
    expect(blobs.blobs.get(top.blob.digest)?.length).toBe(top.blob.size);
    expect(await snapshots.get(top.chainId)).toMatchObject({ chainId: top.chainId, diffId: top.diffId, parent: bottom.chainId, size: top.size });
    // The files were moved, not unpacked: the committed directory is the former upper dir, alone.
    expect(await readFile(join(snapshots.fsPath(top.chainId), "dir/two"), "utf8")).toBe("2");
    expect((await readdir(join(snapshots.fsPath(top.chainId), ".."))).sort()).toEqual(["fs", "meta.json"]);
    expect(await snapshots.listActive()).toEqual([]);
    expect(await errorOf(snapshots.stat("b"))).toMatchObject({ kind: "NotFound" });
  });

  it("keeps the existing snapshot when the same layer is committed again", async () => {
    await using env = await setup();
    const { snapshots } = env;
    const layers = [];
    for (const key of ["x1", "x2"]) {
      const s = await snapshots.prepare(key, undefined);
      await writeFile(join(s.upperDir, "same"), "same");
      layers.push(await snapshots.commit(key));
    }
    expect(layers[0]).toEqual(layers[1]);
    expect((await snapshots.list()).map((s) => s.chainId)).toEqual([layers[0]?.chainId]);
    expect(await snapshots.listActive()).toEqual([]);
  });

  it("removes active snapshots by key, and refuses removing a committed one under an active one", async () => {
    await using env = await setup();
    const { snapshots } = env;
    await snapshots.prepare("base", undefined);
    const base = await snapshots.commit("base");
    await snapshots.prepare("top", base.chainId);
    expect(await errorOf(snapshots.remove(base.chainId))).toMatchObject({ kind: "Conflict" });
    await snapshots.remove("top");
    await snapshots.remove(base.chainId);
    expect(await errorOf(snapshots.remove("top"))).toMatchObject({ kind: "NotFound" });
  });

  it("imports upper and work dirs kept elsewhere, and finishes an import a crash interrupted", async () => {
    await using env = await setup();
    const { snapshots, dir } = env;
    const legacy = { upper: join(dir.path, "old/upper"), work: join(dir.path, "old/work") };
    await mkdir(legacy.upper, { recursive: true });
    await mkdir(legacy.work);
    await writeFile(join(legacy.upper, "kept"), "k");
    const info = await snapshots.importActive("old", undefined, legacy);
    expect(await readFile(join(info.upperDir, "kept"), "utf8")).toBe("k");
    expect(await readdir(join(dir.path, "old"))).toEqual([]);
    // A crash between the two moves left the work dir behind: the next call moves it.
    await rename(info.workDir, legacy.work);
    expect(await snapshots.importActive("old", undefined, legacy)).toEqual(info);
    expect(await readdir(join(dir.path, "old"))).toEqual([]);
    expect(await readdir(info.workDir)).toEqual([]);
    const missing = join(dir.path, "missing");
    expect(await errorOf(snapshots.importActive("none", undefined, { upper: missing, work: missing }))).toMatchObject({ kind: "NotFound" });
    expect((await snapshots.listActive()).map((s) => s.key)).toEqual(["old"]);
  });

  it("collects a half-prepared snapshot and keeps the prepared ones", async () => {
    await using env = await setup();
    const { snapshots, root } = env;
    await snapshots.prepare("whole", undefined);
    await mkdir(join(root, "staging/active.half-123456/fs"), { recursive: true });
    await snapshots.collectGarbage();
    expect(await readdir(join(root, "staging"))).toEqual([]);
    expect((await snapshots.listActive()).map((s) => s.key)).toEqual(["whole"]);
  });

  it("cannot commit without a blob store", async () => {
    await using dir = await tempDir("active");
    const snapshots = createSnapshotter({ root: dir.path, runner: fakeProcessRunner(), durable: false });
    await snapshots.prepare("k", undefined);
    expect(await errorOf(snapshots.commit("k"))).toMatchObject({ kind: "FailedPrecondition" });
  });
});
