import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { execa } from "execa";
import { describe, it, expect, inject, beforeAll, afterAll } from "vitest";
import { startApiServer, type ApiServer } from "../../src/api/index.ts";
import { writeTar } from "../../src/common/tar/index.ts";
import { openEngineEnv, type EngineEnv } from "../support/engine-env.ts";
import { hostProgram } from "../support/host-programs.ts";

const DOCKER_CLI = hostProgram("docker");

// `DOCKER_BUILDKIT=0 docker build` against tstack's API: the classic builder endpoint over the
// engine's own builder — build, run what was built, rebuild from cache, and a failing RUN.
const registry = inject("registry");
const busybox = `${registry}/busybox:latest`;

describe("docker build (classic builder) against tstack's API", () => {
  let env: EngineEnv;
  let server: ApiServer;
  let docker: (...args: string[]) => Promise<{ stdout: string; stderr: string; exitCode?: number; all?: string }>;
  const dirs: string[] = [];

  beforeAll(async () => {
    env = await openEngineEnv();
    const socketPath = `${env.runRoot}/api.sock`;
    server = await startApiServer({ engine: env.engine, socketPath });
    const vars = { DOCKER_HOST: `unix://${socketPath}`, DOCKER_CONFIG: `${env.stateRoot}/docker-config`, DOCKER_BUILDKIT: "0" };
    docker = (...args) => execa(DOCKER_CLI, args, { env: vars, timeout: 120_000, all: true });
  });
  afterAll(async () => {
    await docker?.("rmi", "-f", "tstack-built:1").catch(() => undefined);
    await server?.close();
    await env?.[Symbol.asyncDispose]();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  async function context(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp("/tmp/tstack-build-ctx-");
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) await writeFile(`${dir}/${name}`, text);
    return dir;
  }

  it("builds, tags and runs an image, then rebuilds it from cache", async () => {
    const dir = await context({
      Dockerfile: [`FROM ${busybox}`, "COPY hello.txt /hello.txt", "RUN echo built > /built.txt", 'CMD ["cat","/hello.txt"]', ""].join("\n"),
      "hello.txt": "hello from the build context\n",
    });
    const first = await docker("build", "-t", "tstack-built:1", dir);
    expect(first.exitCode).toBe(0);
    // tstack's builder numbers the steps after FROM
    expect(first.all).toMatch(/Step 1\/3 : COPY hello.txt \/hello.txt/);
    expect(first.all).toContain("Successfully tagged tstack-built:1");
    const id = /Successfully built ([0-9a-f]{12})/.exec(first.all ?? "")?.[1];
    expect(id).toBeDefined();

    const run = await docker("run", "--rm", "tstack-built:1");
    expect(run.stdout).toBe("hello from the build context");

    const second = await docker("build", "-t", "tstack-built:1", dir);
    expect(second.exitCode).toBe(0);
    expect(second.all).toMatch(/Using cache|CACHED/);
    expect(second.all).toContain(`Successfully built ${id}`);
  });

  it("fails with the command and its exit code when a RUN fails", async () => {
    const dir = await context({ Dockerfile: [`FROM ${busybox}`, "RUN echo about to fail && exit 7", ""].join("\n") });
    const failed = await execa(DOCKER_CLI, ["build", dir], {
      env: { DOCKER_HOST: `unix://${env.runRoot}/api.sock`, DOCKER_CONFIG: `${env.stateRoot}/docker-config`, DOCKER_BUILDKIT: "0" },
      timeout: 120_000,
      all: true,
      reject: false,
    });
    expect(failed.exitCode).not.toBe(0);
    expect(failed.all).toContain("exit 7");
    expect(failed.all).toMatch(/exit code: 7/);
  });

  function post(path: string, body?: Buffer): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: `${env.runRoot}/api.sock`, method: "POST", path, headers: { "Content-Type": "application/x-tar" } }, (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  it("refuses a BuildKit session with the way out", async () => {
    const reply = await post("/v1.45/build?version=2");
    expect(reply.status).toBe(501);
    expect(reply.body).toContain("BuildKit is not supported by tstack's engine; use DOCKER_BUILDKIT=0");
  });

  it("refuses a context whose entries leave it, and leaves no context directory behind", async () => {
    const chunks: Buffer[] = [];
    for await (const c of writeTar([
      { name: "Dockerfile", type: "file", mode: 0o644, body: Buffer.from(`FROM ${busybox}\n`) },
      { name: "../escaped.txt", type: "file", mode: 0o644, body: Buffer.from("x") },
    ])) chunks.push(c);
    const reply = await post("/v1.45/build", Buffer.concat(chunks));
    expect(reply.status).toBe(400);
    expect((JSON.parse(reply.body) as { message: string }).message).toContain('".." component');
    expect((await readdir(env.runRoot)).filter((n) => n.startsWith("build-context-"))).toEqual([]);
  });
});
