import { execa } from "execa";
import { describe, it, expect, inject, beforeAll, afterAll } from "vitest";
import { startApiServer, type ApiServer } from "../../src/api/index.ts";
import { openEngineEnv, type EngineEnv } from "../support/engine-env.ts";
import { freePort } from "../fixtures/registry.ts";
import { eventually } from "../support/eventually.ts";
import { hostProgram } from "../support/host-programs.ts";

const DOCKER_CLI = hostProgram("docker");


// The docker CLI (v28) end to end against tstack's engine.
const registry = inject("registry");
const busybox = `${registry}/busybox:latest`;

describe("the docker CLI against tstack's API", () => {
  let env: EngineEnv;
  let server: ApiServer;
  let docker: (...args: string[]) => Promise<{ stdout: string; stderr: string; exitCode?: number }>;
  let environment: () => Record<string, string>;

  beforeAll(async () => {
    env = await openEngineEnv();
    const socketPath = `${env.runRoot}/api.sock`;
    server = await startApiServer({ engine: env.engine, socketPath });
    const vars = { DOCKER_HOST: `unix://${socketPath}`, DOCKER_CONFIG: `${env.stateRoot}/docker-config` };
    environment = () => vars;
    docker = (...args) => execa(DOCKER_CLI, args, { env: vars, timeout: 60_000 });
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

  it("images, published ports, logs -f, exec -it, stats, cp, stop, networks, volumes, tag, push, save | load", async () => {
    const images = await docker("images", "--format", "{{.Repository}}:{{.Tag}}");
    expect(images.stdout).toContain(busybox);
    const port = await freePort();
    await docker("run", "-d", "--name", "cli-httpd", "-p", `127.0.0.1:${port}:80`, busybox, "httpd", "-f", "-p", "80", "-h", "/var/www");
    const body = await eventually(() => fetch(`http://127.0.0.1:${port}/`).then((r) => r.text()), (t) => typeof t === "string" && t.includes("tstack busybox"));
    expect(body).toContain("tstack busybox");
    // logs -f follows until the test stops it.
    await docker("run", "-d", "--name", "cli-ticker", busybox, "sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done");
    const follow = execa(DOCKER_CLI, ["logs", "-f", "cli-ticker"], { env: environment(), reject: false });
    let seen = "";
    await new Promise<void>((resolve) => follow.stdout!.on("data", (d: Buffer) => { seen += d.toString(); if (/tick 5/.test(seen)) resolve(); }));
    follow.kill("SIGTERM");
    await follow;
    expect(seen).toMatch(/tick 0\ntick 1\n/);
    // exec -it through a real pty (script allocates one).
    const it = await execa("script", ["-qec", `${DOCKER_CLI} exec -it cli-ticker sh -c 'tty; stty size'`, "/dev/null"], { env: environment(), reject: false, timeout: 30_000 });
    expect(it.stdout).toMatch(/\/dev\/pts\/\d+/);
    const stats = await docker("stats", "--no-stream", "--format", "{{.Name}} {{.PIDs}}", "cli-ticker");
    expect(stats.stdout).toMatch(/^cli-ticker \d+/);
    // cp both ways.
    const { mkdtemp, writeFile, readFile, rm } = await import("node:fs/promises");
    const dir = await mkdtemp("/tmp/tstack-cp-");
    await writeFile(`${dir}/in.txt`, "copied in\n");
    await docker("cp", `${dir}/in.txt`, "cli-ticker:/tmp/in.txt");
    expect((await docker("exec", "cli-ticker", "cat", "/tmp/in.txt")).stdout).toBe("copied in");
    await docker("cp", "cli-ticker:/etc/passwd", `${dir}/passwd`);
    expect(await readFile(`${dir}/passwd`, "utf8")).toContain("root:x:0:0");
    const stopped = await docker("stop", "-t", "1", "cli-ticker");
    expect(stopped.stdout.trim()).toBe("cli-ticker");
    await docker("rm", "-f", "cli-ticker", "cli-httpd");
    // networks and volumes
    await docker("network", "create", "cli-net");
    expect((await docker("network", "ls", "--format", "{{.Name}}")).stdout.split("\n")).toContain("cli-net");
    await docker("network", "rm", "cli-net");
    await docker("volume", "create", "cli-vol");
    expect((await docker("volume", "ls", "--format", "{{.Name}}")).stdout.split("\n")).toContain("cli-vol");
    await docker("volume", "rm", "cli-vol");
    // tag + push to the loopback registry, then save | load into the same engine under a new name.
    const pushed = `${busybox.split("/")[0]}/cli/pushed:v1`;
    await docker("tag", busybox, pushed);
    const push = await docker("push", pushed);
    expect(push.stdout).toMatch(/digest: sha256:[0-9a-f]{64}/);
    await execa("sh", ["-c", `${DOCKER_CLI} save ${pushed} > ${dir}/img.tar`], { env: environment() });
    await docker("rmi", pushed);
    const loaded = await execa("sh", ["-c", `${DOCKER_CLI} load < ${dir}/img.tar`], { env: environment() });
    expect(loaded.stdout).toContain(`Loaded image: ${pushed}`);
    await rm(dir, { recursive: true, force: true });
  });
});
