import { describe, it, expect, inject } from "vitest";
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openImageEnv } from "../support/image-env.ts";
import { startStallingProxy } from "../support/stalling-proxy.ts";

const registry = inject("registry");

describe("an interrupted pull", () => {
  it("leaves the store consistent, and the next pull completes", async () => {
    const root = await mkdtemp(join(tmpdir(), "tstack-kill-"));
    const proxy = await startStallingProxy(registry, 200_000);
    try {
      const child = spawn(process.execPath, ["--import", "tsx", "test/support/pull-child.ts", root, `${proxy.addr}/layered:latest`], {
        stdio: "ignore",
      });
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      await proxy.stalled;
      child.kill("SIGKILL");
      await exited;
      await using env = await openImageEnv(root);
      // Nothing half-written is visible: every stored blob hashes to its name.
      for (const b of await env.content.list()) {
        const { createHash } = await import("node:crypto");
        const h = createHash("sha256").update(await env.content.readBytes(b.digest)).digest("hex");
        expect(`sha256:${h}`).toBe(b.digest);
      }
      // What the engine does at start: drop half-written blobs and half-unpacked layers.
      await env.content.cleanIngests();
      await env.snapshotter.collectGarbage();
      const img = await env.images.pull(`${registry}/layered:latest`);
      expect(img.chainIds).toHaveLength(3);
      expect(await readdir(join(root, "content", "ingest"))).toEqual([]);
      expect((await readdir(join(root, "snapshots", "staging")).catch(() => [])).length).toBe(0);
    } finally {
      await proxy.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
