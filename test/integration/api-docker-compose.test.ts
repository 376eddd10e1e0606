import { describe, it, expect, inject, beforeAll, afterAll } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { startApiServer, type ApiServer } from "../../src/api/index.ts";
import { openEngineEnv, type EngineEnv } from "../support/engine-env.ts";
import { freePort } from "../fixtures/registry.ts";
import { eventually } from "../support/eventually.ts";

// Debian's docker-compose (the Python v1 client) drives tstack's engine through its API:
// a 3-service stack with a published port, a named volume and a dependency.
const registry = inject("registry");

describe("docker-compose (v1) against tstack's engine", () => {
  let env: EngineEnv;
  let server: ApiServer;
  let dir: string;
  let port: number;
  let compose: (...args: string[]) => ReturnType<typeof execa>;

  beforeAll(async () => {
    env = await openEngineEnv();
    const socketPath = `${env.runRoot}/api.sock`;
    server = await startApiServer({ engine: env.engine, socketPath });
    dir = await mkdtemp(join(tmpdir(), "tstack-dc-"));
    port = await freePort();
    await writeFile(
      join(dir, "docker-compose.yml"),
      `version: "3.8"
services:
  web:
    image: ${registry}/busybox:latest
    command: ["httpd", "-f", "-p", "80", "-h", "/var/www"]
    init: true
    ports: ["127.0.0.1:${port}:80"]
    depends_on: [app]
  app:
    image: ${registry}/busybox:latest
    command: ["sh", "-c", "echo hello > /data/x; while true; do echo app alive; sleep 1; done"]
    init: true
    volumes: ["data:/data"]
  db:
    image: ${registry}/busybox:latest
    command: ["sleep", "600"]
    init: true
volumes:
  data: {}
`,
    );
    compose = (...args) =>
      execa("docker-compose", ["-p", "dcv1", ...args], { cwd: dir, env: { DOCKER_HOST: `unix://${socketPath}` }, reject: false, timeout: 120_000 });
  });

  afterAll(async () => {
    await compose("down", "-v", "-t", "0");
    await server?.close();
    await env?.[Symbol.asyncDispose]();
    await rm(dir, { recursive: true, force: true });
  });

  it("up -d, ps, logs, exec, published port and down -v", async () => {
    const up = await compose("up", "-d");
    expect(up.exitCode, String(up.stderr)).toBe(0);
    const ps = await compose("ps");
    expect(String(ps.stdout).match(/ Up /g)).toHaveLength(3);
    const body = await eventually(() => fetch(`http://127.0.0.1:${port}/`).then((r) => r.text()), (t) => typeof t === "string" && t.includes("tstack busybox"));
    expect(body).toContain("tstack busybox");
    const logs = await eventually(() => compose("logs", "--tail", "5", "app").then((r) => String(r.stdout)), (t) => t.includes("app alive"));
    expect(logs).toContain("app alive");
    const exec = await compose("exec", "-T", "app", "cat", "/data/x");
    expect(String(exec.stdout).trim()).toBe("hello");
    const down = await compose("down", "-v");
    expect(down.exitCode, String(down.stderr)).toBe(0);
    expect(env.engine.containers.list()).toEqual([]);
    expect(env.engine.volumes.list().map((v) => v.name)).not.toContain("dcv1_data");
    expect(env.engine.networks.list().map((n) => n.name)).not.toContain("dcv1_default");
  });
});
