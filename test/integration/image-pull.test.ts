import { describe, it, expect, inject } from "vitest";
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { openImageEnv } from "../support/image-env.ts";
import { hostArch } from "../fixtures/oci-layout-builder.ts";

// Pulling the offline-built fixture images from the real loopback registry into a fresh
// store, and checking what lands on disk through a real overlay mount.
const registry = inject("registry");

describe("image pull", () => {
  it("pulls busybox by tag, records it under its canonical name and unpacks it", async () => {
    await using env = await openImageEnv();
    const img = await env.images.pull(`${registry}/busybox:latest`);
    expect(img.names).toEqual([`${registry}/busybox:latest`]);
    expect(img.config.config?.Cmd).toEqual(["sh"]);
    expect(img.config.architecture).toBe(hostArch());
    const [layer] = img.chainIds;
    const fs = env.snapshotter.fsPath(layer!);
    expect((await stat(join(fs, "bin/busybox"))).mode & 0o777).toBe(0o755);
    expect(await readlink(join(fs, "bin/sh"))).toBe("/bin/busybox");
    expect((await stat(join(fs, "tmp"))).mode & 0o7777).toBe(0o1777);
    expect((await stat(join(fs, "home/app"))).uid).toBe(1000);
    // Looked up by short ID prefix and by familiar name alike.
    expect((await env.images.get(img.id.slice(7, 19))).id).toBe(img.id);
    expect((await env.images.list()).map((i) => i.id)).toEqual([img.id]);
  });

  it("unpacks whiteouts, opaque dirs, hard links, modes, owners and xattrs so overlay shows the final tree", async () => {
    await using env = await openImageEnv();
    const img = await env.images.pull(`${registry}/layered`);
    expect(img.chainIds).toHaveLength(3);
    const mnt = await mkdtemp(join(tmpdir(), "tstack-mnt-"));
    const merged = join(mnt, "merged");
    await mkdir(merged);
    await env.snapshotter.prepare("pulled", img.chainIds.at(-1));
    const m = await env.snapshotter.mounts("pulled");
    await execa("mount", ["-t", "overlay", "-o", m.options.join(","), "overlay", merged], m.cwd ? { cwd: m.cwd } : {});
    try {
      const data = join(merged, "data");
      expect((await readdir(data)).sort()).toEqual(
        ["dir", "fifo", "hl", "keep.txt", "other", "owned", "private", "sgid-dir-file", "sym"].sort(),
      );
      expect(await readdir(join(data, "dir"))).toEqual(["new.txt"]); // opaque: old.txt is gone
      expect(await readFile(join(data, "keep.txt"), "utf8")).toBe("keep v2\n");
      const [a, b] = await Promise.all([stat(join(data, "hl/orig")), stat(join(data, "other/link"))]);
      expect(a.ino).toBe(b.ino);
      expect(a.nlink).toBe(2);
      const owned = await stat(join(data, "owned"));
      expect([owned.uid, owned.gid, owned.mode & 0o7777]).toEqual([1000, 1000, 0o640]);
      expect((await stat(join(merged, "usr/local/bin/suid"))).mode & 0o7777).toBe(0o4755);
      expect((await stat(join(data, "sgid-dir-file"))).mode & 0o7777).toBe(0o2644);
      expect((await stat(join(data, "private"))).mode & 0o7777).toBe(0o711);
      expect((await lstat(join(data, "fifo"))).isFIFO()).toBe(true);
      expect(await readlink(join(data, "sym"))).toBe("keep.txt");
      // Compared as bytes: a deep equality over 2 MB would take seconds.
      expect((await readFile(join(merged, "bin/busybox"))).equals(await readFile("/bin/busybox"))).toBe(true);
    } finally {
      await execa("umount", [merged]);
      await rm(mnt, { recursive: true, force: true });
      await env.snapshotter.remove("pulled");
    }
    // In the middle layer's own snapshot: the xattr carried by the tar, and in the top layer
    // the whiteout and opaque marker in overlay's form.
    const l2 = env.snapshotter.fsPath(img.chainIds[1]!);
    const { stdout } = await execa("getfattr", ["-n", "user.tstack", "--only-values", join(l2, "data/keep.txt")]);
    expect(stdout).toBe("hello");
    const l3 = env.snapshotter.fsPath(img.chainIds[2]!);
    const wh = await lstat(join(l3, "data/a.txt"));
    expect(wh.isCharacterDevice() && wh.rdev === 0).toBe(true);
    const { stdout: opaque } = await execa("getfattr", ["-n", "trusted.overlay.opaque", "--only-values", join(l3, "data/dir")]);
    expect(opaque).toBe("y");
  });

  it("selects this host's platform from an image index", async () => {
    await using env = await openImageEnv();
    const img = await env.images.pull(`${registry}/multiarch:latest`);
    expect(img.config.config?.Cmd).toEqual(["echo", "right platform"]);
    // The index itself is what the tag names: its digest is the repo digest.
    const res = await fetch(`http://${registry}/v2/multiarch/manifests/latest`, {
      method: "HEAD",
      headers: { accept: "application/vnd.oci.image.index.v1+json" },
    });
    expect(img.repoDigests).toEqual([`${registry}/multiarch@${res.headers.get("docker-content-digest")}`]);
  });

  it("pulls by digest and shares blobs and snapshots between images", async () => {
    await using env = await openImageEnv();
    const byTag = await env.images.pull(`${registry}/busybox:latest`);
    const digest = byTag.repoDigests[0]!.split("@")[1]!;
    const byDigest = await env.images.pull(`${registry}/busybox@${digest}`);
    expect(byDigest.id).toBe(byTag.id);
    const layered = await env.images.pull(`${registry}/layered:latest`);
    expect(layered.chainIds[0]).toBe(byTag.chainIds[0]);
    expect((await env.snapshotter.list()).length).toBe(3);
  });

  it("two concurrent pulls of one image agree and store each blob once", async () => {
    await using env = await openImageEnv();
    const [a, b] = await Promise.all([env.images.pull(`${registry}/layered`), env.images.pull(`${registry}/layered`)]);
    expect(a.id).toBe(b.id);
    const blobs = await env.content.list();
    // index-less image: manifest + config + 3 layers
    expect(blobs).toHaveLength(5);
    expect(await readdir(join(env.root, "content", "ingest"))).toEqual([]);
  });

  it("push then pull through the registry gives the same manifest digest", async () => {
    await using env = await openImageEnv();
    const img = await env.images.pull(`${registry}/layered:latest`);
    const target = `${registry}/pushed/layered:v1`;
    await env.images.tag(img.id, target);
    const pushed = await env.images.push(target);
    expect(pushed).toBe(img.manifestDigest);
    await using other = await openImageEnv();
    const again = await other.images.pull(target);
    expect(again.manifestDigest).toBe(img.manifestDigest);
    expect(again.id).toBe(img.id);
  });

  it("removes by name (untag) and by ID, and garbage-collects what no image uses", async () => {
    await using env = await openImageEnv();
    const img = await env.images.pull(`${registry}/busybox:latest`);
    await env.images.tag(img.id, "example.com/mine:1");
    expect(await env.images.remove("example.com/mine:1", { inUse: () => false })).toEqual({ untagged: ["example.com/mine:1"], deleted: [] });
    await expect(env.images.remove(img.id, { inUse: () => true })).rejects.toThrow(/used by a container/);
    const res = await env.images.remove(img.id, { inUse: () => false });
    expect(res.deleted).toEqual([img.id]);
    const gc = await env.images.collectGarbage(new Set());
    expect(gc.snapshots).toBe(1);
    expect(await env.content.list()).toEqual([]);
    expect(await env.snapshotter.list()).toEqual([]);
  });

  it("names a missing image and a missing tag clearly", async () => {
    await using env = await openImageEnv();
    await expect(env.images.pull(`${registry}/busybox:nope`)).rejects.toThrow(/not found/);
    await expect(env.images.get("nothing-here")).rejects.toThrow(/no such image/i);
  });
});
