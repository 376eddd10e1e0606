import { describe, expect, it } from "vitest";
import { ContainerEngine } from "./container-engine.ts";
import type { ProcessSignaller } from "./process-signal.ts";
import { containerTestbed, type ContainerTestbed } from "./testing/container-testbed.ts";

// The facade's wiring: the lifecycle modules calling each other back through the engine
// (exit → restart policy → start, exit → auto-remove, stop → exit), on the testbed's fakes.

async function eventually(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The container's process exits with `code`: the shim writes the exit file, the watcher reports it. */
async function exits(bed: ContainerTestbed, engine: ContainerEngine, id: string, code: number): Promise<void> {
  bed.shim.exits.set(bed.deps.paths.container(id).exitFile, { exitCode: code, signal: null, exitedAt: new Date().toISOString(), pid: 1 });
  await engine.handleExit(id);
  bed.shim.exits.delete(bed.deps.paths.container(id).exitFile);
}

describe("ContainerEngine", () => {
  it("creates, starts, records an exit and removes a container", async () => {
    await using bed = await containerTestbed();
    const engine = new ContainerEngine(bed.deps);
    const rec = await engine.create({ name: "web", image: "test" });
    expect(await engine.start("web")).toEqual({ alreadyRunning: false });
    expect(engine.get("web").state.status).toBe("running");
    const waited = engine.wait("web");
    await exits(bed, engine, rec.id, 3);
    expect(await waited).toEqual({ exitCode: 3 });
    await engine.remove("web");
    expect(engine.list()).toEqual([]);
    expect(bed.events).toEqual([`create ${rec.id}`, `start ${rec.id}`, `die ${rec.id}`, `destroy ${rec.id}`]);
    await engine.shutdown();
  });

  it("restarts an on-failure container after its backoff, counting, up to its limit", async () => {
    await using bed = await containerTestbed();
    const engine = new ContainerEngine(bed.deps);
    const { id } = await engine.create({ image: "test", restartPolicy: { name: "on-failure", maximumRetryCount: 1 } });
    await engine.start(id);
    await exits(bed, engine, id, 1);
    expect(engine.get(id).state.status).toBe("restarting");
    await eventually(() => engine.get(id).state.status === "running");
    expect(engine.get(id).state.restartCount).toBe(1);
    await exits(bed, engine, id, 1);
    expect(engine.get(id).state.status).toBe("exited");
    await engine.shutdown();
  });

  it("an explicit start replaces a pending restart; shutdown drops them", async () => {
    await using bed = await containerTestbed();
    const engine = new ContainerEngine(bed.deps);
    const { id } = await engine.create({ image: "test", restartPolicy: { name: "always" } });
    await engine.start(id);
    await exits(bed, engine, id, 0);
    expect(await engine.start(id)).toEqual({ alreadyRunning: false });
    await new Promise((r) => setTimeout(r, 200));
    expect(engine.get(id).state).toMatchObject({ status: "running", restartCount: 0 });
    await exits(bed, engine, id, 0);
    await engine.shutdown();
    await new Promise((r) => setTimeout(r, 200));
    expect(engine.get(id).state.status).toBe("restarting");
  });

  it("removes an --rm container and its anonymous volumes once it exited", async () => {
    await using bed = await containerTestbed();
    const engine = new ContainerEngine(bed.deps);
    const { id } = await engine.create({ image: "test", autoRemove: true, mounts: [{ type: "volume", target: "/v" }] });
    await engine.start(id);
    await exits(bed, engine, id, 0);
    await eventually(() => engine.list().length === 0);
    expect(bed.volumes.list()).toEqual([]);
  });

  it("stops a container: the signal goes to its init, the exit comes back through the exit handler", async () => {
    await using bed = await containerTestbed();
    let engine: ContainerEngine | undefined;
    let id = "";
    const signaller: ProcessSignaller = {
      startTime: async (pid) => `st${pid}`,
      async signalIf(_pid, _t, signal) {
        bed.journal.calls.push(`signal ${signal}`);
        setTimeout(() => void exits(bed, engine!, id, 143), 10);
        return true;
      },
    };
    engine = new ContainerEngine({ ...bed.deps, signaller });
    ({ id } = await engine.create({ image: "test", restartPolicy: { name: "always" } }));
    await engine.start(id);
    expect(await engine.stop(id, 5)).toEqual({ escalated: false, alreadyStopped: false });
    expect(engine.get(id).state).toMatchObject({ status: "exited", exitCode: 143, explicitlyStopped: true });
    expect(bed.journal.of("signal")).toEqual(["signal SIGTERM"]);
    await engine.shutdown();
  });

  it("refuses exec, attach and top on a container that is not running", async () => {
    await using bed = await containerTestbed();
    const engine = new ContainerEngine(bed.deps);
    const { id } = await engine.create({ image: "test" });
    await expect(engine.createExec(id, { cmd: ["sh"] })).rejects.toMatchObject({ kind: "Conflict" });
    await expect(engine.attach(id)).rejects.toMatchObject({ kind: "Conflict" });
    await expect(engine.top(id)).rejects.toMatchObject({ kind: "Conflict" });
    await engine.rename(id, "renamed");
    expect(engine.get("renamed").id).toBe(id);
    expect(await engine.changes(id)).toEqual([]);
    expect(bed.journal.of("layers changes")).toEqual([`layers changes ${id} ignore=/proc,/sys,/dev,/etc/hosts,/etc/resolv.conf,/etc/hostname`]);
  });
});
