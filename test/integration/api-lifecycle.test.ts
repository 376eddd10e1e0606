import Docker from "dockerode";
import { describe, it, expect, inject, beforeAll, afterAll } from "vitest";
import { startApiServer, type ApiServer } from "../../src/api/index.ts";
import { openEngineEnv, type EngineEnv } from "../support/engine-env.ts";

// The rest of the container endpoint group through dockerode: stats, top, restart, kill,
// pause/unpause, rename, resize of a TTY container, image history, and the prune endpoints.
const busybox = `${inject("registry")}/busybox:latest`;

describe("API: container lifecycle and introspection through dockerode", () => {
  let env: EngineEnv;
  let server: ApiServer;
  let docker: Docker;
  beforeAll(async () => {
    env = await openEngineEnv();
    server = await startApiServer({ engine: env.engine, socketPath: `${env.runRoot}/api.sock` });
    docker = new Docker({ socketPath: `${env.runRoot}/api.sock` });
    await env.engine.images.pull(busybox);
  });
  afterAll(async () => {
    await server?.close();
    await env?.[Symbol.asyncDispose]();
  });

  it("stats, top, restart, kill, pause/unpause and rename", async () => {
    const c = await docker.createContainer({ Image: busybox, Cmd: ["sh", "-c", "while true; do sleep 1; done"], HostConfig: { Init: true, NetworkMode: "none" } });
    await c.start();
    const stats = (await c.stats({ stream: false })) as unknown as { pids_stats: { current: number }; memory_stats: { usage: number }; cpu_stats: { cpu_usage: { total_usage: number } } };
    expect(stats.pids_stats.current).toBeGreaterThanOrEqual(2);
    expect(stats.memory_stats.usage).toBeGreaterThan(0);
    const top = (await c.top()) as { Titles: string[]; Processes: string[][] };
    expect(top.Titles).toContain("PID");
    expect(top.Processes.some((p) => p.join(" ").includes("sleep") || p.join(" ").includes("sh -c"))).toBe(true);
    const startedAt = (await c.inspect()).State.StartedAt;
    await c.restart({ t: 1 });
    const after = await c.inspect();
    expect(after.State.Running).toBe(true);
    expect(after.State.StartedAt).not.toBe(startedAt);
    await c.pause();
    expect((await c.inspect()).State.Paused).toBe(true);
    await c.unpause();
    expect((await c.inspect()).State.Status).toBe("running");
    await c.rename({ name: "api-renamed" });
    expect((await docker.getContainer("api-renamed").inspect()).Id).toBe(after.Id);
    await c.kill({ signal: "SIGKILL" });
    const waited = (await c.wait()) as { StatusCode: number };
    expect(waited.StatusCode).toBe(137);
    await c.remove();
  });

  it("resizes a TTY container's terminal", async () => {
    const c = await docker.createContainer({ Image: busybox, Cmd: ["sh", "-c", "sleep 1; stty size"], Tty: true, HostConfig: { NetworkMode: "none" } });
    await c.start();
    await c.resize({ h: 40, w: 120 });
    await c.wait();
    const logs = (await c.logs({ stdout: true })) as unknown as Buffer;
    expect(logs.toString()).toContain("40 120");
    await c.remove();
  });

  it("image history and the prune endpoints", async () => {
    const history = (await docker.getImage(busybox).history()) as { CreatedBy: string }[];
    expect(history.length).toBeGreaterThan(0);
    const dead = await docker.createContainer({ Image: busybox, Cmd: ["true"], HostConfig: { NetworkMode: "none" } });
    await dead.start();
    await dead.wait();
    const pruned = (await docker.pruneContainers()) as { ContainersDeleted: string[] | null };
    expect(pruned.ContainersDeleted).toContain(dead.id);
    await docker.createVolume({ Name: "api-prune-me" });
    const vp = (await docker.pruneVolumes({ filters: { all: ["true"] } })) as { VolumesDeleted: string[] | null };
    expect(vp.VolumesDeleted ?? []).toContain("api-prune-me");
    await docker.createNetwork({ Name: "api-prune-net" });
    const np = (await docker.pruneNetworks()) as { NetworksDeleted: string[] | null };
    expect(np.NetworksDeleted ?? []).toContain("api-prune-net");
  });
});
