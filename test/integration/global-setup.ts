import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startRegistry } from "../fixtures/registry.ts";
import { buildFixtureImages, pushFixtureImages } from "../fixtures/images.ts";

declare module "vitest" {
  export interface ProvidedContext {
    registry: string;
    fixtureLayout: string;
  }
}

// Integration tests run as root against real runc, overlayfs, cgroups, CNI and a real
// registry on 127.0.0.1 that holds the offline-built fixture images.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.getuid?.() !== 0) throw new Error("integration tests must run as root (real runc, overlay, cgroups)");
  const work = await mkdtemp(join(tmpdir(), "tstack-it-"));
  const registry = await startRegistry(join(work, "registry"));
  try {
    const layout = await buildFixtureImages(join(work, "fixtures"));
    await pushFixtureImages(layout, registry.addr);
    project.provide("registry", registry.addr);
    project.provide("fixtureLayout", layout);
  } catch (err) {
    await registry.stop();
    await rm(work, { recursive: true, force: true });
    throw err;
  }
  return async () => {
    await registry.stop();
    await rm(work, { recursive: true, force: true });
  };
}
