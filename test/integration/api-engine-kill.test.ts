import { describe, it, expect, inject } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { makeEngineRoots } from "../support/engine-env.ts";
import { hostProgram } from "../support/host-programs.ts";

const DOCKER_CLI = hostProgram("docker");

// SIGKILL of `tstack engine` in the middle of a series of `docker run -d`: after a restart
// every container the CLI was told about is there and running, and nothing runs that the
// engine does not know.
const busybox = `${inject("registry")}/busybox:latest`;

describe("killing the engine during docker run -d", () => {
  it("accounts for every container after a restart", async () => {
    const roots = await makeEngineRoots();
    const env = { TSTACK_STATE_ROOT: roots.stateRoot, TSTACK_RUN_ROOT: roots.runRoot };
    const socket = join(roots.runRoot, "engine.sock");
    const dockerEnv = { DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: join(roots.base, "docker-config") };
    const docker = (...args: string[]) => execa(DOCKER_CLI, args, { env: dockerEnv, reject: false, timeout: 60_000 });
    const startEngine = async (): Promise<ChildProcess> => {
      const child = spawn(join(process.cwd(), "bin/tstack.js"), ["engine"], { env: { ...process.env, ...env }, stdio: "ignore" });
      const deadline = Date.now() + 20_000;
      while ((await docker("version", "--format", "{{.Server.Version}}")).exitCode !== 0) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error("the engine did not come up");
        await new Promise((r) => setTimeout(r, 200));
      }
      return child;
    };
    let engine = await startEngine();
    try {
      expect((await docker("pull", busybox)).exitCode).toBe(0);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await docker("run", "-d", "--init", "--network", "none", busybox, "sleep", "600");
        expect(r.exitCode, r.stderr).toBe(0);
        ids.push(r.stdout.trim());
      }
      // The fourth is in flight when the engine dies.
      const inFlight = docker("run", "-d", "--init", "--network", "none", busybox, "sleep", "600");
      await new Promise((r) => setTimeout(r, 150));
      const died = new Promise<void>((r) => engine.once("exit", () => r()));
      engine.kill("SIGKILL");
      await died;
      await inFlight;
      engine = await startEngine();
      const listed = (await docker("ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.State}}")).stdout.trim().split("\n").filter(Boolean);
      const state = new Map(listed.map((l) => l.split(" ") as [string, string]));
      for (const id of ids) expect(state.get(id)).toBe("running");
      // Nothing runs under runc that the engine does not list.
      const runc = await execa("runc", ["--root", join(roots.runRoot, "runc"), "list", "-q"]);
      for (const id of runc.stdout.split("\n").filter(Boolean)) expect(state.has(id)).toBe(true);
    } finally {
      const all = (await docker("ps", "-a", "-q", "--no-trunc")).stdout.split("\n").filter(Boolean);
      if (all.length) await docker("rm", "-f", ...all);
      await docker("network", "prune", "-f");
      engine.kill("SIGTERM");
      await new Promise((r) => (engine.exitCode !== null ? r(undefined) : engine.once("exit", () => r(undefined))));
      await rm(roots.base, { recursive: true, force: true });
      await rm(roots.runRoot, { recursive: true, force: true });
    }
  });
});
