import { describe, it, expect, inject } from "vitest";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { execa } from "execa";
import { openImageEnv } from "../support/image-env.ts";

const registry = inject("registry");

describe("image save and load", () => {
  it("round-trips images through one archive that skopeo reads both as OCI and as Docker", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tstack-save-"));
    try {
      await using a = await openImageEnv();
      const busy = await a.images.pull(`${registry}/busybox:latest`);
      const layered = await a.images.pull(`${registry}/layered:latest`);
      const file = join(dir, "images.tar");
      await pipeline(Readable.from(a.images.save([`${registry}/busybox:latest`, layered.id])), createWriteStream(file));
      // Independent readers of both formats.
      const oci = JSON.parse((await execa("skopeo", ["inspect", "--raw", `oci-archive:${file}:latest`])).stdout) as { layers: unknown[] };
      expect(oci.layers.length).toBeGreaterThan(0);
      const docker = JSON.parse((await execa("skopeo", ["inspect", `docker-archive:${file}:${registry}/layered:latest`])).stdout) as { Layers: unknown[] };
      expect(docker.Layers).toHaveLength(3);

      await using b = await openImageEnv();
      const loaded = await b.images.load(createReadStream(file));
      expect(loaded.sort()).toEqual([`${registry}/busybox:latest`, `${registry}/layered:latest`].sort());
      expect((await b.images.get(`${registry}/busybox`)).id).toBe(busy.id);
      const l = await b.images.get(`${registry}/layered`);
      expect(l.id).toBe(layered.id);
      expect(await b.snapshotter.has(l.chainIds[2]!)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("loads a Docker archive written by skopeo (uncompressed layers, manifest.json only)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tstack-load-"));
    try {
      const file = join(dir, "docker.tar");
      await execa("skopeo", ["copy", "--quiet", "--src-tls-verify=false", `docker://${registry}/layered:latest`, `docker-archive:${file}:example.com/loaded:v2`]);
      await using env = await openImageEnv();
      expect(await env.images.load(createReadStream(file))).toEqual(["example.com/loaded:v2"]);
      const img = await env.images.get("example.com/loaded:v2");
      expect(img.config.config?.WorkingDir).toBe("/data");
      expect(img.chainIds).toHaveLength(3);
      for (const c of img.chainIds) expect(await env.snapshotter.has(c)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses an archive whose blob does not match its name", async () => {
    const { writeTar } = await import("../../src/common/tar/index.ts");
    const bogus = Readable.from(
      writeTar([{ name: `blobs/sha256/${"a".repeat(64)}`, type: "file", body: Buffer.from("not what the name says") }]),
    );
    await using env = await openImageEnv();
    await expect(env.images.load(bogus)).rejects.toThrow(/digest mismatch/);
    expect(await env.content.list()).toEqual([]);
  });
});
