import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CacheRecord } from "../../build/executor/ports.ts";
import { createBuildCache } from "./build-cache.ts";

const signal = new AbortController().signal;
const blob = `sha256:${"b".repeat(64)}` as const;
const record: CacheRecord = {
  chainId: `sha256:${"c".repeat(64)}`,
  layer: { diffId: `sha256:${"d".repeat(64)}`, blob: { digest: blob, size: 10, mediaType: "application/vnd.oci.image.layer.v1.tar+gzip" } },
  createdAt: "2024-01-01T00:00:00.000Z",
};

describe("build cache", () => {
  let dir = "";
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function cache(has: { snapshot?: boolean; blob?: boolean } = {}) {
    dir = await mkdtemp(join(tmpdir(), "tstack-build-cache-"));
    return createBuildCache({ dir, hasSnapshot: async () => has.snapshot ?? true, hasBlob: async () => has.blob ?? true });
  }

  it("finds what was put, by key, in one JSON file a key", async () => {
    const c = await cache();
    await c.put("sha256:key-1", record);
    expect(await c.get("sha256:key-1", signal)).toEqual(record);
    expect(await c.get("sha256:key-2", signal)).toBeUndefined();
    expect((await readdir(dir)).filter((n) => n.endsWith(".json"))).toHaveLength(1);
  });

  it("returns a record only while its snapshot and its layer blob exist", async () => {
    await (await cache()).put("k", record);
    const noSnapshot = createBuildCache({ dir, hasSnapshot: async () => false, hasBlob: async () => true });
    expect(await noSnapshot.get("k", signal)).toBeUndefined();
    const noBlob = createBuildCache({ dir, hasSnapshot: async () => true, hasBlob: async () => false });
    expect(await noBlob.get("k", signal)).toBeUndefined();
    const both = createBuildCache({ dir, hasSnapshot: async () => true, hasBlob: async () => true });
    expect(await both.get("k", signal)).toEqual(record);
  });

  it("a record without a layer or rootfs needs nothing to exist", async () => {
    const c = await cache({ snapshot: false, blob: false });
    await c.put("k", { chainId: undefined, createdAt: record.createdAt });
    expect(await c.get("k", signal)).toEqual({ createdAt: record.createdAt });
  });

  it("an unreadable record is a miss, not an error", async () => {
    const c = await cache();
    await c.put("k", record);
    const [file] = await readdir(dir);
    await writeFile(join(dir, file ?? ""), "{not json");
    expect(await c.get("k", signal)).toBeUndefined();
  });
});
