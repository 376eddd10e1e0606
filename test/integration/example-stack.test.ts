import { describe, it, expect, inject, beforeAll, afterAll } from "vitest";
import { readdir, rm, writeFile, readFile, cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { freePort } from "../fixtures/registry.ts";
import { makeEngineRoots, type EngineRoots } from "../support/engine-env.ts";
import { buildExampleImages, pushExampleImages } from "../../scripts/example-images/build.ts";

// The acceptance scenario of the example stack, exactly as a user runs it: `tstack up -d`
// in examples/microservices on tstack's own engine, with the example's own images.
const registry = inject("registry");

describe("the example stack on tstack's engine", () => {
  let roots: EngineRoots;
  let dir: string;
  let env: Record<string, string>;
  let ports: { frontend: number; backend: number };
  const tstack = (...args: string[]) => execa(join(process.cwd(), "bin/tstack.js"), args, { cwd: dir, env, reject: false, timeout: 180_000 });

  beforeAll(async () => {
    await pushExampleImages(await buildExampleImages({ log: () => undefined }), registry);
    roots = await makeEngineRoots();
    dir = await mkdtemp(join(tmpdir(), "tstack-example-"));
    await cp(join(process.cwd(), "examples/microservices"), dir, { recursive: true });
    ports = { frontend: await freePort(), backend: await freePort() };
    env = {
      TSTACK_STATE_ROOT: roots.stateRoot,
      TSTACK_RUN_ROOT: roots.runRoot,
      TSTACK_REGISTRY_PORT: registry.split(":")[1]!,
      FRONTEND_PORT: String(ports.frontend),
      BACKEND_PORT: String(ports.backend),
    };
  });

  afterAll(async () => {
    await tstack("down", "-v", "-t", "0");
    await tstack("engine", "stop");
    await rm(dir, { recursive: true, force: true });
    await rm(roots.base, { recursive: true, force: true });
    await rm(roots.runRoot, { recursive: true, force: true });
  });

  const ids = async () => (await tstack("ps", "-q")).stdout.trim().split("\n").sort();

  it("up -d → healthy → frontend → backend → db round trip, by service names", async () => {
    const up = await tstack("up", "-d", "--wait");
    expect(up.exitCode, up.stdout + up.stderr).toBe(0);
    const ps = await tstack("ps");
    expect(ps.stdout.match(/\(healthy\)/g)).toHaveLength(3);
    const a = (await fetch(`http://127.0.0.1:${ports.frontend}/cgi-bin/api/counter`).then((r) => r.json())) as { count: number; db: string };
    const b = (await fetch(`http://127.0.0.1:${ports.backend}/api/counter`).then((r) => r.json())) as { count: number };
    expect(a.db).toBe("redis");
    expect(b.count).toBe(a.count + 1);
  });

  it("logs -f backend streams the new request lines", async () => {
    const follow = execa(join(process.cwd(), "bin/tstack.js"), ["logs", "-f", "--no-color", "backend"], { cwd: dir, env, reject: false });
    let seen = "";
    const got = new Promise<void>((resolve) =>
      follow.stdout!.on("data", (d: Buffer) => {
        seen += d.toString();
        if (/GET \/api\/marker-42 404/.test(seen)) resolve();
      }),
    );
    await new Promise((r) => setTimeout(r, 500));
    await fetch(`http://127.0.0.1:${ports.backend}/api/marker-42`);
    await got;
    follow.kill("SIGINT");
    await follow;
    expect(seen).toMatch(/backend-1\s+\|.*GET \/api\/marker-42 404/);
  });

  it("up -d again recreates nothing; an edited backend environment recreates only backend", async () => {
    const before = await ids();
    expect((await tstack("up", "-d")).exitCode).toBe(0);
    expect(await ids()).toEqual(before);
    const file = join(dir, "compose.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace('PORT: "3000"', 'PORT: "3000"\n      GREETING: "edited"'));
    const up = await tstack("up", "-d", "--wait");
    expect(up.exitCode, up.stdout + up.stderr).toBe(0);
    const after = await ids();
    expect(after.filter((id) => before.includes(id))).toHaveLength(2);
    const ps = await tstack("ps", "--format", "json");
    expect(ps.stdout).toContain("backend");
    // The counter survived: db was not recreated and its volume kept the data.
    const c = (await fetch(`http://127.0.0.1:${ports.backend}/api/counter`).then((r) => r.json())) as { count: number };
    expect(c.count).toBe(3);
  });

  it("down -v leaves no container, network, volume, mount or namespace", async () => {
    const down = await tstack("down", "-v");
    expect(down.exitCode, down.stdout + down.stderr).toBe(0);
    expect((await tstack("ps", "-a", "-q")).stdout.trim()).toBe("");
    expect(await readdir(join(roots.stateRoot, "volumes"))).toEqual([]);
    expect(await readdir(join(roots.runRoot, "netns")).catch(() => [])).toEqual([]);
    expect(await readFile("/proc/self/mountinfo", "utf8")).not.toContain(join(roots.runRoot, "containers"));
    const nets = JSON.parse(await readFile(join(roots.stateRoot, "networks", "networks.json"), "utf8").catch(() => "[]")) as unknown;
    expect(JSON.stringify(nets)).not.toContain("microservices_default");
    expect((await execa("nft", ["list", "ruleset"])).stdout).not.toMatch(/dport (\d+ )?(\{ )?(${ports.frontend}|${ports.backend})\b/);
  });
});
