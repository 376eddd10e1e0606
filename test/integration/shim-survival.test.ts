import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ShimStarted } from "../../src/runtime/shim/index.ts";
import { REPO_ROOT, ShimWorld, buildShim, eventually, gone } from "./shim-harness.ts";

// Scenario: the engine that started a container's shim is SIGKILLed. The container keeps
// running, every line it writes still reaches the log in order, and its exit is recorded.

let binary: string;
let world: ShimWorld;

beforeAll(async () => {
  binary = await buildShim();
});
beforeEach(async () => {
  world = await ShimWorld.create(binary);
});
afterEach(async () => {
  await world.dispose();
});

// Stands in for the engine: starts the shim through the real client, reports, then idles.
const ENGINE_STANDIN = `
import { spawn } from "node:child_process";
import { startShim } from ${JSON.stringify(join(REPO_ROOT, "src/runtime/shim/index.ts"))};
const started = await startShim(JSON.parse(process.argv[2]), { spawn });
process.stdout.write(JSON.stringify(started) + "\\n");
setInterval(() => {}, 1000);
`;

describe("tstack-shim survives its starter", () => {
  it("keeps logging every line in order after the starting process is SIGKILLed", async () => {
    const script = join(world.dir, "engine-standin.mts");
    await writeFile(script, ENGINE_STANDIN);
    const id = world.newId();
    const lines = 300;
    const bundle = await world.bundle(id, {
      args: ["sh", "-c", `i=0; while [ $i -lt ${lines} ]; do echo line-$i; i=$((i+1)); usleep 10000; done; exit 7`],
    });
    const { logPath, exitFile } = world.paths(id);
    const opts = { mode: "create", id, bundle, logPath, ...world.common(id) };

    const engine = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify(opts)], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let started: ShimStarted | undefined;
    try {
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: engine.stdout! }).once("line", resolve);
        engine.once("exit", (code) => reject(new Error(`engine stand-in exited early (${code})`)));
      });
      started = JSON.parse(first) as ShimStarted;
      world.trackShim(started.shimPid);
      await world.start(id);
      await eventually(async () => expect((await world.logLines(logPath)).length).toBeGreaterThanOrEqual(20));
    } finally {
      engine.kill("SIGKILL");
    }
    expect(await gone(engine.pid!, 5000)).toBe(true);
    const atKill = (await world.logLines(logPath)).length;
    expect(atKill).toBeLessThan(lines); // the container was still running when its starter died

    const exit = await world.waitExit(exitFile, 30_000);
    expect(exit).toMatchObject({ exitCode: 7, pid: started.pid });
    const logged = await world.logLines(logPath);
    expect(logged.map((l) => l.log)).toEqual(Array.from({ length: lines }, (_, i) => `line-${i}\n`));
    expect(logged.every((l) => l.stream === "stdout")).toBe(true);
  });
});
