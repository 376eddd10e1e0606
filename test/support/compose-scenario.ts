import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa, type ResultPromise } from "execa";
import { freePort } from "../fixtures/registry.ts";

export interface ScenarioEngine {
  readonly name: string;
  /** Environment for the tstack command: tstack's own engine roots, or DOCKER_HOST. */
  env(roots: EngineRoots): Record<string, string>;
  readonly startsOnDemand: boolean;
}
import { makeEngineRoots, type EngineRoots } from "./engine-env.ts";

// The compose scenario a user runs, through the `tstack` command, against an engine:
// up -d → healthy → HTTP → logs -f → no-op up → changed env recreates one service →
// down -v leaves nothing. The same scenario runs on tstack's engine and on Docker Engine.
export function composeScenario(registry: string, engine: ScenarioEngine): void {
describe(`tstack up/ps/logs/down on ${engine.name}`, () => {
  let roots: EngineRoots;
  let project: string;
  let port: number;
  let env: Record<string, string>;
  const tstack = (...args: string[]) =>
    execa(join(process.cwd(), "bin/tstack.js"), args, { cwd: project, env, reject: false, timeout: 120_000 });

  const compose = (mode: string) => `
name: clidemo
services:
  web:
    image: ${registry}/busybox:latest
    command: ["httpd", "-f", "-p", "80", "-h", "/var/www"]
    init: true
    ports: ["127.0.0.1:${port}:80"]
    depends_on:
      worker:
        condition: service_healthy
  worker:
    image: ${registry}/busybox:latest
    command: ["sh", "-c", "touch /tmp/ready; i=0; while true; do echo working $$i; i=$$((i+1)); sleep 0.2; done"]
    init: true
    environment:
      MODE: ${mode}
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
    volumes: ["data:/data"]
  stubborn:
    image: ${registry}/busybox:latest
    command: ["sleep", "600"]
volumes:
  data: {}
`;

  beforeAll(async () => {
    roots = await makeEngineRoots();
    project = await mkdtemp(join(tmpdir(), "tstack-cli-"));
    port = await freePort();
    env = engine.env(roots);
    await writeFile(join(project, "compose.yaml"), compose("one"));
  });

  afterAll(async () => {
    await tstack("down", "-v", "-t", "0");
    if (engine.startsOnDemand) await tstack("engine", "stop");
    await rm(project, { recursive: true, force: true });
    await rm(roots.base, { recursive: true, force: true });
    await rm(roots.runRoot, { recursive: true, force: true });
  });

  const ids = async () => {
    const r = await tstack("ps", "--format", "json");
    return Object.fromEntries(
      r.stdout.trim().split("\n").filter(Boolean).flatMap((l) => {
        const v = JSON.parse(l) as { Service: string; ID: string } | { Service: string; ID: string }[];
        return (Array.isArray(v) ? v : [v]).map((c) => [c.Service, c.ID]);
      }),
    ) as Record<string, string>;
  };

  it("brings the stack up in dependency order and serves HTTP", async () => {
    const up = await tstack("up", "-d", "--wait");
    expect(up.exitCode, up.stderr).toBe(0);
    if (engine.startsOnDemand) expect(up.stderr + up.stdout).toContain("started the engine");
    const ps = await tstack("ps", "--format", "json");
    expect(ps.stdout).toContain("healthy");
    const body = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    expect(body).toContain("tstack busybox");
  });

  it("logs -f streams new lines", async () => {
    const follow = execa(join(process.cwd(), "bin/tstack.js"), ["logs", "-f", "--no-color", "worker"], { cwd: project, env, reject: false }) as ResultPromise;
    let seen = "";
    await new Promise<void>((resolve) =>
      follow.stdout!.on("data", (d: Buffer) => {
        seen += d.toString();
        const n = [...seen.matchAll(/working (\d+)/g)].map((m) => Number(m[1]));
        if (n.length > 3 && Math.max(...n) - Math.min(...n) >= 3) resolve();
      }),
    );
    follow.kill("SIGINT");
    await follow;
    expect(seen).toMatch(/worker-1\s+\| working \d+/);
  });

  it("up -d again changes nothing; an edited environment recreates only that service", async () => {
    const before = await ids();
    const again = await tstack("up", "-d");
    expect(again.exitCode, again.stderr).toBe(0);
    expect(await ids()).toEqual(before);
    await writeFile(join(project, "compose.yaml"), compose("two"));
    const dry = await tstack("up", "-d", "--dry-run");
    expect(dry.stdout).toMatch(/worker-1: config hash changed/);
    const changed = await tstack("up", "-d", "--wait");
    expect(changed.exitCode, changed.stderr).toBe(0);
    const after = await ids();
    expect(after["web"]).toBe(before["web"]);
    expect(after["stubborn"]).toBe(before["stubborn"]);
    expect(after["worker"]).not.toBe(before["worker"]);
    const exec = await tstack("exec", "-T", "worker", "sh", "-c", "echo $MODE");
    expect(exec.stdout.trim()).toBe("two");
  });

  it("down -v removes everything and names the service that ignored SIGTERM", async () => {
    const created = Object.values(await ids());
    const down = await tstack("down", "-v", "-t", "1");
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stdout + down.stderr).toMatch(/stubborn.*ignored SIGTERM.*init: true/s);
    expect((await tstack("ps", "-a", "-q")).stdout.trim()).toBe("");
    if (engine.startsOnDemand) {
      const mounts = await readFile("/proc/self/mountinfo", "utf8");
      expect(mounts).not.toContain(roots.runRoot + "/containers");
      const netns = await execa("ls", [join(roots.runRoot, "netns")], { reject: false });
      expect(netns.stdout.trim()).toBe("");
      // The runtime's state and every cgroup of the stack's containers (released without runc).
      expect(await readdir(join(roots.runRoot, "runc")).catch(() => [])).toEqual([]);
      const cgroups = (await readFile("/proc/self/mountinfo", "utf8")).split("\n").filter((l) => / - cgroup2? /.test(l)).map((l) => l.split(" ")[4]!);
      for (const dir of cgroups) {
        const left = (await readdir(dir).catch(() => [] as string[])).filter((n) => created.some((id) => n.includes(id)));
        expect(left, dir).toEqual([]);
      }
      // The named volume went with -v.
      expect(await readdir(join(roots.stateRoot, "volumes"))).toEqual([]);
    }
  });
});
}
