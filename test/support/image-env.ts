import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createContentStore, type ContentStore } from "../../src/runtime/content/content-store.ts";
import { openImageRecords } from "../../src/runtime/image/image-records.ts";
import { createImageService, type ImageService } from "../../src/runtime/image/image-service.ts";
import { createRegistryClient } from "../../src/runtime/registry/index.ts";
import { createSnapshotter, type Snapshotter } from "../../src/runtime/snapshot/index.ts";
import { childProcessRunner } from "../../src/common/spawn/child-process-runner.ts";
import type { ProcessRunner } from "../../src/common/spawn/process-runner.ts";
import { createSnapshotPort } from "../../src/runtime/wiring/snapshot-port.ts";

// An image service over its own temporary state root, talking to the real loopback registry.
export interface ImageEnv {
  readonly root: string;
  readonly content: ContentStore;
  readonly snapshotter: Snapshotter;
  readonly images: ImageService;
  [Symbol.asyncDispose](): Promise<void>;
}

/** `runner`: the snapshotter's programs (default execa; the benchmark passes the engine's). */
export async function openImageEnv(root?: string, opts: { runner?: ProcessRunner } = {}): Promise<ImageEnv> {
  const dir = root ?? (await mkdtemp(join(tmpdir(), "tstack-img-")));
  const content = await createContentStore(join(dir, "content"));
  const snapshotter = createSnapshotter({ root: join(dir, "snapshots"), durable: false, blobs: content, runner: opts.runner ?? childProcessRunner() });
  const images = createImageService({
    content,
    records: await openImageRecords(join(dir, "images")),
    registry: createRegistryClient({}),
    snapshots: createSnapshotPort(snapshotter),
    now: () => new Date(),
  });
  return {
    root: dir,
    content,
    snapshotter,
    images,
    async [Symbol.asyncDispose]() {
      if (!root) await rm(dir, { recursive: true, force: true });
    },
  };
}
