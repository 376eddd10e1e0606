import { describe, it, expect, inject, beforeAll, afterAll } from "vitest";
import { openEngineEnv, type EngineEnv } from "../support/engine-env.ts";
import { freePort } from "../fixtures/registry.ts";
import { buildExampleImages, pushExampleImages, formatBytes, type TimedImage } from "../../scripts/example-images/build.ts";
import { exampleImageRef } from "../../scripts/example-images/push-image.ts";
import type { ImageName } from "../../scripts/example-images/recipes.ts";
import { chooseExampleRegistryAddr, registryAnswers, startExampleRegistry, stopExampleRegistry } from "../../scripts/example-images/registry.ts";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Intent: the images of examples/microservices, assembled offline from Debian packages by
// scripts/example-images, really work on tstack's engine: their programs run, their own
// healthchecks turn healthy, and the three services talk to each other by name over a
// bridge network and answer on published ports — the stack compose.yaml describes.
// Builds use the repository's .cache (a cold build downloads ~50 MB of .debs once).

const registry = inject("registry");
const ref = (name: ImageName) => exampleImageRef(registry, name);

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch((e: unknown) => e as T);
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("example images (frontend, backend, db)", () => {
  let env: EngineEnv;
  let images: readonly TimedImage[];
  const diagnostics: string[] = [];

  beforeAll(async () => {
    images = await buildExampleImages({ log: (l) => diagnostics.push(l) });
    for (const i of images) {
      console.log(`example image ${i.name}: ${i.cached ? "cached" : "built"} in ${i.seconds.toFixed(1)}s, ${formatBytes(i.compressedBytes)} compressed, ${formatBytes(i.unpackedBytes)} unpacked`);
    }
    await pushExampleImages(images, registry);
    env = await openEngineEnv();
    for (const name of ["db", "backend", "frontend"] as const) await env.engine.images.pull(ref(name));
  });
  afterAll(async () => {
    await env?.[Symbol.asyncDispose]();
  });

  async function logsOf(id: string): Promise<{ stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    for await (const e of env.engine.containers.logs(id)) {
      if (e.stream === "stdout") stdout += e.log;
      else stderr += e.log;
    }
    return { stdout, stderr };
  }

  async function runOnce(name: ImageName, cmd: readonly string[]) {
    const c = await env.engine.containers.create({ image: ref(name), options: { cmd }, networking: { mode: { kind: "none" } } });
    const waiting = env.engine.containers.wait(c.id, "next-exit");
    await env.engine.containers.start(c.id);
    const { exitCode } = await waiting;
    const out = await logsOf(c.id);
    await env.engine.containers.remove(c.id);
    return { exitCode, ...out };
  }

  async function exec(id: string, cmd: readonly string[]): Promise<{ exitCode: number | undefined; output: string }> {
    const execId = await env.engine.containers.createExec(id, { cmd });
    const handle = await env.engine.containers.execs.start(execId, { attach: true });
    let output = "";
    for await (const f of handle!.output) output += f.data.toString();
    const info = await eventually(
      () => env.engine.containers.inspectExec(execId),
      (i) => !i.running,
      5_000,
    );
    return { exitCode: info.exitCode ?? undefined, output };
  }

  async function waitHealthy(id: string, ms = 40_000): Promise<string | undefined> {
    const status = await eventually(
      async () => env.engine.containers.get(id).state.health?.status,
      (s) => s === "healthy" || s === "unhealthy",
      ms,
    );
    if (status !== "healthy") {
      const rec = env.engine.containers.get(id);
      console.error(`container ${rec.name} not healthy:`, JSON.stringify(rec.state.health?.log.slice(-3)), await logsOf(id));
    }
    return status;
  }

  const json = async (url: string) => {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status} ${await r.text()}`);
    return (await r.json()) as { count: number; db: string };
  };

  it("builds reproducibly: a second build is served from the cache with the same digests", async () => {
    const again = await buildExampleImages();
    expect(again.map((i) => i.cached)).toEqual([true, true, true]);
    expect(again.map((i) => i.digest)).toEqual(images.map((i) => i.digest));
    const db = images.find((i) => i.name === "db")!;
    expect(db.packages.some((p) => p.startsWith("redis-server="))).toBe(true);
    expect(db.packages.some((p) => p.startsWith("libc6="))).toBe(true);
    // Only what the binaries load: no maintainer-script dependencies.
    expect(db.packages.some((p) => p.startsWith("adduser="))).toBe(false);
  });

  it("db: redis-server and redis-cli run from Debian's packages", async () => {
    const server = await runOnce("db", ["redis-server", "--version"]);
    expect(server.exitCode).toBe(0);
    expect(server.stdout).toMatch(/Redis server v=7\./);
    const cli = await runOnce("db", ["redis-cli", "--version"]);
    expect(cli.exitCode).toBe(0);
    expect(cli.stdout).toMatch(/redis-cli 7\./);
  });

  it("backend: Debian's node runs, without start-up warnings", async () => {
    const r = await runOnce("backend", ["node", "-e", "console.log(1 + 1, process.versions.node.split('.')[0])"]);
    expect(r).toEqual({ exitCode: 0, stdout: "2 18\n", stderr: "" });
  });

  it("db: redis serves from its volume, turns healthy by its image healthcheck, and answers PONG in an exec", async () => {
    const c = await env.engine.containers.create({
      image: ref("db"),
      networking: { mode: { kind: "none" } },
      mounts: [{ type: "volume", name: "example-db-data", target: "/data" }],
    });
    await env.engine.containers.start(c.id);
    expect(await waitHealthy(c.id)).toBe("healthy");
    expect(await exec(c.id, ["redis-cli", "ping"])).toEqual({ exitCode: 0, output: "PONG\n" });
    expect((await exec(c.id, ["redis-cli", "set", "k", "v"])).output).toBe("OK\n");
    // Runs as the redis user and writes its append-only file into the volume.
    const ls = await exec(c.id, ["sh", "-c", "id -u; ls /data"]);
    expect(ls.output).toMatch(/^999\n/);
    expect(ls.output).toMatch(/appendonly/);
    await env.engine.containers.remove(c.id, { force: true });
  });

  it("the stack: backend reaches db by name, frontend relays to backend by name, both on published ports", async () => {
    await env.engine.networks.createNetwork({ name: "example-net" });
    const onNet = (alias: string, ports: { containerPort: number; hostPort: number }[] = []) => ({
      mode: { kind: "bridge" as const },
      networks: { "example-net": { aliases: [alias] } },
      portBindings: ports.map((p) => ({ ...p, protocol: "tcp" as const, hostIp: "127.0.0.1" })),
    });
    const db = await env.engine.containers.create({ name: "ex-db", image: ref("db"), networking: onNet("db") });
    await env.engine.containers.start(db.id);
    expect(await waitHealthy(db.id)).toBe("healthy");

    const backendPort = await freePort();
    const backend = await env.engine.containers.create({
      name: "ex-backend",
      image: ref("backend"),
      networking: onNet("backend", [{ containerPort: 3000, hostPort: backendPort }]),
    });
    await env.engine.containers.start(backend.id);
    expect(await waitHealthy(backend.id)).toBe("healthy");
    const first = await json(`http://127.0.0.1:${backendPort}/api/counter`);
    const second = await json(`http://127.0.0.1:${backendPort}/api/counter`);
    expect(first.db).toBe("redis");
    expect(second.count).toBe(first.count + 1);
    // The count really lives in redis.
    expect((await exec(db.id, ["redis-cli", "get", "tstack:counter"])).output).toBe(`${second.count}\n`);

    const frontendPort = await freePort();
    const frontend = await env.engine.containers.create({
      name: "ex-frontend",
      image: ref("frontend"),
      networking: onNet("frontend", [{ containerPort: 80, hostPort: frontendPort }]),
    });
    await env.engine.containers.start(frontend.id);
    expect(await waitHealthy(frontend.id)).toBe("healthy");
    expect(await (await fetch(`http://127.0.0.1:${frontendPort}/`)).text()).toContain("tstack microservices example");
    // frontend → backend → db, all by service name.
    const third = await json(`http://127.0.0.1:${frontendPort}/cgi-bin/api/counter`);
    expect(third).toEqual({ count: second.count + 1, db: "redis" });
    expect((await logsOf(backend.id)).stdout).toMatch(/GET \/api\/counter 200/);
  });
});

describe("the example's loopback registry helper", () => {
  it("starts detached, is found running by a second start, and stops by its own pid file only", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tstack-example-registry-"));
    const addr = `127.0.0.1:${await freePort()}`;
    try {
      const first = await startExampleRegistry({ dir, addr });
      expect(first.started).toBe(true);
      expect(await registryAnswers(addr)).toBe(true);
      expect(await startExampleRegistry({ dir, addr })).toEqual({ addr, started: false, pid: first.pid });
      // While ours runs, the example keeps using it, wherever it serves.
      expect(await chooseExampleRegistryAddr(dir)).toBe(addr);
      expect(await stopExampleRegistry({ dir })).toEqual({ stopped: true });
      expect(await registryAnswers(addr)).toBe(false);
      // A stale pid file naming some other process (this test runner) is discarded, not obeyed.
      await writeFile(join(dir, "registry.pid"), `${process.pid}\n`);
      expect(await stopExampleRegistry({ dir })).toEqual({ stopped: false });
    } finally {
      await stopExampleRegistry({ dir }).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
