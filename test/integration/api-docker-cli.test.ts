import { execa } from "execa";
import { describe, it, expect, inject, beforeAll, afterAll } from "vitest";
import { startApiServer, type ApiServer } from "../../src/api/index.ts";
import { openEngineEnv, type EngineEnv } from "../support/engine-env.ts";

// The docker CLI (v28) end to end against tstack's engine.
const registry = inject("registry");
const busybox = `${registry}/busybox:latest`;

describe("the docker CLI against tstack's API", () => {
  let env: EngineEnv;
  let server: ApiServer;
  let docker: (...args: string[]) => Promise<{ stdout: string; stderr: string; exitCode?: number }>;

  beforeAll(async () => {
    env = await openEngineEnv();
    const socketPath = `${env.runRoot}/api.sock`;
    server = await startApiServer({ engine: env.engine, socketPath });
    const environment = { DOCKER_HOST: `unix://${socketPath}`, DOCKER_CONFIG: `${env.stateRoot}/docker-config` };
    docker = (...args) => execa("/usr/local/bin/docker", args, { env: environment, timeout: 60_000 });
  });
  afterAll(async () => {
    await server?.close();
    await env?.[Symbol.asyncDispose]();
  });

  it("version, pull, run --rm, run -d, ps, logs, exec, inspect, rm -f", async () => {
    const v = await docker("version", "--format", "{{.Server.APIVersion}} {{.Server.Version}}");
    expect(v.stdout.trim()).toBe("1.45 tstack-0.1.0");
    await docker("pull", busybox);
    const run = await docker("run", "--rm", busybox, "echo", "hi");
    expect(run.stdout).toBe("hi");
    const id = (await docker("run", "-d", "--name", "cli-web", busybox, "sh", "-c", "echo started; sleep 600")).stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const ps = await docker("ps", "--format", "{{.Names}} {{.Status}}");
    expect(ps.stdout).toMatch(/^cli-web Up /m);
    const logs = await docker("logs", "cli-web");
    expect(logs.stdout).toBe("started");
    const exec = await docker("exec", "cli-web", "sh", "-c", "echo in-exec; exit 0");
    expect(exec.stdout).toBe("in-exec");
    const failing = await docker("exec", "cli-web", "sh", "-c", "exit 4").catch((e: { exitCode: number }) => e);
    expect(failing.exitCode).toBe(4);
    const state = await docker("inspect", "--format", "{{.State.Status}} {{.Name}}", "cli-web");
    expect(state.stdout.trim()).toBe("running /cli-web");
    await docker("rm", "-f", "cli-web");
    expect((await docker("ps", "-a", "-q")).stdout.trim()).toBe("");
  });
});
