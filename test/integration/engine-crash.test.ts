import { describe, it, expect, inject } from "vitest";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { makeEngineRoots, openEngineEnv } from "../support/engine-env.ts";

const busybox = `${inject("registry")}/busybox:latest`;

describe("killing the engine", () => {
  it("SIGKILL loses no container and no log line: the restarted engine adopts it", async () => {
    const roots = await makeEngineRoots();
    const child = spawn(process.execPath, ["--import", "tsx", "test/support/engine-child.ts", roots.stateRoot, roots.runRoot, busybox], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    const id = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once("line", resolve);
      child.once("exit", (code) => reject(new Error(`engine child exited early (${code})`)));
    });
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGKILL");
    await exited;
    // The container keeps running and logging while no engine exists.
    await new Promise((r) => setTimeout(r, 500));
    await using env = await openEngineEnv(roots);
    const rec = env.engine.containers.get(id);
    expect(rec.state.status).toBe("running");
    await new Promise((r) => setTimeout(r, 300));
    const r = await env.engine.containers.stop(id, 5);
    expect(r.escalated).toBe(false);
    const lines: number[] = [];
    for await (const e of env.engine.containers.logs(id)) lines.push(Number(e.log.trim()));
    // Every line, in order, from before, during and after the engine's absence.
    expect(lines.length).toBeGreaterThan(80);
    expect(lines).toEqual(lines.map((_, i) => i));
  });
});
