import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { mkdtemp, mkdir, rm, writeFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openVolumeStore } from "./volume-store.ts";

describe("volume store", () => {
  let root: string;
  beforeEach(async () => (root = await mkdtemp(join(tmpdir(), "tstack-vol-"))));
  afterEach(() => rm(root, { recursive: true, force: true }));
  const now = () => new Date("2026-11-25T09:00:00Z");

  it("creates once, persists, lists and removes", async () => {
    const s = await openVolumeStore(root, { now });
    const a = await s.create({ name: "data", labels: { "com.docker.compose.project": "p" } });
    expect(a.created).toBe(true);
    expect(a.volume.mountpoint).toBe(join(root, "volumes", "data", "_data"));
    expect((await s.create({ name: "data" })).created).toBe(false);
    await writeFile(join(a.volume.mountpoint, "f"), "12345");
    expect(await s.usage("data")).toBe(5);
    const reopened = await openVolumeStore(root, { now });
    expect(reopened.get("data").labels).toEqual({ "com.docker.compose.project": "p" });
    await expect(reopened.remove("data", { inUse: true })).rejects.toThrow(/in use/);
    await reopened.remove("data", { inUse: false });
    expect(reopened.list()).toEqual([]);
    expect(await readdir(join(root, "volumes"))).toEqual([]);
  });

  it("anonymous volumes get a random name", async () => {
    const s = await openVolumeStore(root, { now });
    const { volume } = await s.create({});
    expect(volume.name).toMatch(/^[a-f0-9]{64}$/);
    expect(volume.anonymous).toBe(true);
  });

  it("refuses bad names, other drivers and unknown options by name", async () => {
    const s = await openVolumeStore(root, { now });
    await expect(s.create({ name: "../x" })).rejects.toThrow(/invalid volume name/);
    await expect(s.create({ name: "v", driver: "nfs" })).rejects.toThrow(/driver "nfs"/);
    await expect(s.create({ name: "vv", options: { type: "tmpfs", device: "tmpfs" } })).rejects.toThrow(/not supported/);
    const bound = await s.create({ name: "bb", options: { type: "none", o: "bind", device: "/srv/x" } });
    expect(bound.volume.mountpoint).toBe("/srv/x");
  });

  it("drops a volume directory a crashed create left without metadata", async () => {
    await mkdir(join(root, "volumes", "half", "_data"), { recursive: true });
    const s = await openVolumeStore(root, { now });
    expect(s.find("half")).toBeUndefined();
    expect(await readdir(join(root, "volumes"))).toEqual([]);
  });
});
