import { describe, it, expect, inject, beforeAll, afterAll } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { startApiServer, type ApiServer } from "../../src/api/index.ts";
import { startRegistry, type TestRegistry } from "../fixtures/registry.ts";
import { openEngineEnv, type EngineEnv } from "../support/engine-env.ts";
import { hostProgram } from "../support/host-programs.ts";

const DOCKER_CLI = hostProgram("docker");

// A registry that requires basic auth (htpasswd): `docker login` is checked by the engine
// (/auth), and push/pull carry the client's credentials (X-Registry-Auth).
const busybox = `${inject("registry")}/busybox:latest`;

describe("registry credentials from the client", () => {
  let env: EngineEnv;
  let server: ApiServer;
  let secured: TestRegistry;
  let dir: string;
  let docker: (config: string, ...args: string[]) => ReturnType<typeof execa>;

  beforeAll(async () => {
    dir = await mkdtemp("/tmp/tstack-auth-");
    const hash = (await execa("python3", ["-c", "import crypt; print(crypt.crypt('s3cret', crypt.mksalt(crypt.METHOD_BLOWFISH)))"])).stdout.trim();
    await writeFile(join(dir, "htpasswd"), `tester:${hash}\n`);
    secured = await startRegistry(join(dir, "registry"), undefined, { htpasswd: join(dir, "htpasswd") });
    env = await openEngineEnv();
    const socketPath = `${env.runRoot}/api.sock`;
    server = await startApiServer({ engine: env.engine, socketPath });
    docker = (config, ...args) =>
      execa(DOCKER_CLI, args, { env: { DOCKER_HOST: `unix://${socketPath}`, DOCKER_CONFIG: join(dir, config) }, reject: false, timeout: 60_000 });
  });
  afterAll(async () => {
    await server?.close();
    await env?.[Symbol.asyncDispose]();
    await secured?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("docker login, push and pull with the client's credentials; refused without them", async () => {
    const bad = await docker("cfg", "login", "-u", "tester", "-p", "wrong", secured.addr);
    expect(bad.exitCode).not.toBe(0);
    const good = await docker("cfg", "login", "-u", "tester", "-p", "s3cret", secured.addr);
    expect(good.exitCode, String(good.stderr)).toBe(0);
    expect(String(good.stdout)).toContain("Login Succeeded");
    expect((await docker("cfg", "pull", busybox)).exitCode).toBe(0);
    const target = `${secured.addr}/private/busybox:1`;
    await docker("cfg", "tag", busybox, target);
    const push = await docker("cfg", "push", target);
    expect(push.exitCode, String(push.stdout) + String(push.stderr)).toBe(0);
    expect(String(push.stdout)).toMatch(/digest: sha256:/);
    await docker("cfg", "rmi", target);
    // Another client, never logged in: the engine has no credentials of its own for it.
    const anon = await docker("other", "pull", target);
    expect(anon.exitCode).not.toBe(0);
    expect(String(anon.stdout) + String(anon.stderr)).toMatch(/requires a login|unauthorized|denied/i);
    const pull = await docker("cfg", "pull", target);
    expect(pull.exitCode, String(pull.stdout) + String(pull.stderr)).toBe(0);
  });
});
