// Scenario: containers' writable layers are active snapshots of the snapshotter. An engine from
// before that kept them beside the container's record (containers/<id>/fs/{upper,work}); an engine
// starting on such state moves them in, for a running container (whose overlay mount follows
// its directories) as for a stopped one, and both keep their files and keep working.
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import type { Engine } from "../../src/runtime/engine.ts";
import { openEngineEnv } from "../support/engine-env.ts";
import { eventually } from "../support/eventually.ts";

const busybox = `${inject("registry")}/busybox:latest`;
const none = { mode: { kind: "none" as const } };

const added = async (engine: Engine, id: string) => (await engine.containers.changes(id)).filter((c) => c.kind === "added").map((c) => c.path);

// What an older engine left on disk: the layer beside the record, nothing in the snapshotter.
async function toLegacyLayout(engine: Engine, id: string): Promise<void> {
  const legacy = engine.paths.container(id).legacyLayer;
  const layer = engine.containers.layerDirs(id);
  await mkdir(legacy.dir, { recursive: true });
  await rename(layer.upper, legacy.upper);
  await rename(layer.work, legacy.work);
  await rm(join(layer.upper, ".."), { recursive: true });
}

describe("container layers kept by an older engine", () => {
  it("move into the snapshotter at start, running or stopped, with their files", async () => {
    await using env = await openEngineEnv();
    await env.engine.images.pull(busybox);
    const containers = env.engine.containers;
    const running = await containers.create({ image: busybox, networking: none, init: true, options: { cmd: ["sh", "-c", "echo r > /running; sleep 600"] } });
    await containers.start(running.id);
    const stopped = await containers.create({ image: busybox, networking: none, options: { cmd: ["sh", "-c", "echo s > /stopped"] } });
    const exited = containers.wait(stopped.id, "next-exit");
    await containers.start(stopped.id);
    expect(await exited).toEqual({ exitCode: 0 });
    expect(await eventually(() => added(env.engine, running.id), (a) => a.includes("/running"))).toContain("/running");

    await env.engine.close();
    for (const id of [running.id, stopped.id]) await toLegacyLayout(env.engine, id);
    const engine = await env.reopen();

    expect((await engine.snapshotter.listActive()).map((s) => s.key).sort()).toEqual([running.id, stopped.id].sort());
    for (const id of [running.id, stopped.id]) {
      await expect(readdir(engine.paths.container(id).dir)).resolves.not.toContain("fs");
    }
    expect(engine.containers.get(running.id).state.status).toBe("running");
    // The running container writes on through its mount, into the moved layer.
    const exec = await engine.containers.createExec(running.id, { cmd: ["sh", "-c", "echo more > /more"] });
    await engine.containers.execs.start(exec, { attach: false });
    expect(await eventually(() => added(engine, running.id), (a) => a.includes("/more"))).toEqual(expect.arrayContaining(["/running", "/more"]));
    // The stopped one starts again on its moved layer.
    expect(await added(engine, stopped.id)).toContain("/stopped");
    const again = engine.containers.wait(stopped.id, "next-exit");
    await engine.containers.start(stopped.id);
    expect(await again).toEqual({ exitCode: 0 });
    await engine.containers.remove(running.id, { force: true });
    await engine.containers.remove(stopped.id);
    expect(await engine.snapshotter.listActive()).toEqual([]);
  });
});
