import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ShimStartError, isShimAlive } from "../../src/runtime/shim/index.ts";
import { RUNC, ShimWorld, buildShim, eventually, gone, vmRssKiB } from "./shim-harness.ts";

// Scenario: the engine hands a container to tstack-shim; its output lands in a Docker json-file
// log and its exit status in an exit file, without the engine doing anything else.

const RFC3339_NANO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;
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

describe("tstack-shim create: logs and exit", () => {
  it("logs stdout and stderr in order with streams and nanosecond UTC timestamps, and records exit 3", async () => {
    const script = "echo out1; usleep 50000; echo err1 >&2; usleep 50000; echo out2; printf 'no newline'; exit 3";
    const c = await world.create({ args: ["sh", "-c", script] });
    expect(c.started.pid).toBeGreaterThan(1);
    await world.start(c.id);
    const exit = await world.waitExit(c.exitFile);
    expect(exit).toMatchObject({ exitCode: 3, signal: null, pid: c.started.pid });
    expect(exit.exitedAt).toMatch(RFC3339_NANO_UTC);

    const lines = await world.logLines(c.logPath);
    expect(lines.map((l) => [l.stream, l.log])).toEqual([
      ["stdout", "out1\n"],
      ["stderr", "err1\n"],
      ["stdout", "out2\n"],
      ["stdout", "no newline"],
    ]);
    for (const l of lines) expect(l.time).toMatch(RFC3339_NANO_UTC);
    const times = lines.map((l) => l.time);
    expect([...times].sort()).toEqual(times);
    expect(times[0]! <= exit.exitedAt).toBe(true);
    // The shim is done once the exit file is there: it exits and removes its socket.
    expect(await gone(c.started.shimPid, 3000)).toBe(true);
    await expect(stat(c.attachPath)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("records exit 0", async () => {
    const c = await world.create({ args: ["true"] });
    await world.start(c.id);
    expect(await world.waitExit(c.exitFile)).toMatchObject({ exitCode: 0, signal: null });
    expect(await world.logLines(c.logPath)).toEqual([]);
  });

  it("records 137 and signal 9 after runc kill KILL, and stays small while running", async () => {
    const c = await world.create({ args: ["sh", "-c", "echo up; exec sleep 1000"] });
    await world.start(c.id);
    await eventually(async () => expect((await world.logLines(c.logPath)).map((l) => l.log)).toEqual(["up\n"]));
    const rss = await vmRssKiB(c.started.shimPid);
    console.log(`tstack-shim VmRSS while a container runs: ${rss} KiB`);
    expect(rss).toBeLessThan(4096);
    expect(await isShimAlive(c.started.shimPid, c.id)).toBe(true);
    // No exit file while the container runs.
    await expect(stat(c.exitFile)).rejects.toMatchObject({ code: "ENOENT" });
    await world.runc("kill", c.id, "KILL");
    expect(await world.waitExit(c.exitFile)).toMatchObject({ exitCode: 137, signal: 9 });
    await eventually(async () => expect(await isShimAlive(c.started.shimPid, c.id)).toBe(false));
  });

  it("escapes like Docker and splits lines longer than 16 KiB", async () => {
    // printf octal escapes: \033 ESC, \001 SOH, \377 invalid UTF-8; é and € are valid UTF-8.
    const script = [
      String.raw`printf 'q"uote\\back\ttab\033[0m\001 <a>&b \303\251\342\202\254 bad\377end\r\n'`,
      "head -c 40000 /dev/zero | tr '\\0' a",
      "echo",
    ].join("; ");
    const c = await world.create({ args: ["sh", "-c", script] });
    await world.start(c.id);
    await world.waitExit(c.exitFile);
    const raw = await readFile(c.logPath, "utf8");
    expect(raw).toContain(String.raw`q\"uote\\back\ttab\u001b[0m\u0001 \u003ca\u003e\u0026b é€ bad\ufffdend\r\n`);
    const lines = await world.logLines(c.logPath);
    expect(lines[0]?.log).toBe('q"uote\\back\ttab\u001b[0m\u0001 <a>&b é€ bad\ufffdend\r\n');
    expect(lines.slice(1).map((l) => l.log.length)).toEqual([16384, 16384, 40000 - 2 * 16384 + 1]);
    expect(lines.slice(1).map((l) => l.log).join("")).toBe("a".repeat(40000) + "\n");
    expect(lines[1]?.log.endsWith("\n")).toBe(false);
  });

  it("rotates the log at --log-max-size keeping --log-max-files files", async () => {
    const c = await world.create(
      { args: ["sh", "-c", "i=0; while [ $i -lt 300 ]; do echo line-$i; i=$((i+1)); done"] },
      { logMaxSize: 2000, logMaxFiles: 3 },
    );
    await world.start(c.id);
    await world.waitExit(c.exitFile);
    const files = [`${c.logPath}.2`, `${c.logPath}.1`, c.logPath];
    for (const f of files) expect((await stat(f)).size).toBeLessThanOrEqual(2000);
    await expect(stat(`${c.logPath}.3`)).rejects.toMatchObject({ code: "ENOENT" });
    const kept = (await Promise.all(files.map((f) => world.logLines(f)))).flat().map((l) => l.log);
    // The newest lines survive, consecutive and complete, ending with the last one.
    expect(kept.at(-1)).toBe("line-299\n");
    const first = Number(/line-(\d+)/.exec(kept[0] ?? "")?.[1]);
    expect(first).toBeGreaterThan(0);
    expect(kept).toEqual(Array.from({ length: 300 - first }, (_, i) => `line-${first + i}\n`));
  });

  it("reports runc's error when create fails", async () => {
    const err = await world.create({ args: ["/no-such-binary"] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShimStartError);
    console.log(`runc's create error: ${(err as ShimStartError).runtimeMessage}`);
    expect((err as ShimStartError).runtimeMessage).toMatch(/no-such-binary/);
    expect((err as Error).message).toMatch(/^create container shimtest-/);
  });

  it("with --start runs the container itself: no runc start from the engine, first output logged", async () => {
    const c = await world.create({ args: ["sh", "-c", "echo first; exit 5"] }, { start: true });
    expect(await world.waitExit(c.exitFile)).toMatchObject({ exitCode: 5, pid: c.started.pid });
    expect((await world.logLines(c.logPath)).map((l) => l.log)).toEqual(["first\n"]);
  });

  it("with --start, a failed start is reported with the runtime's message and leaves no container", async () => {
    // A runtime that creates like runc but refuses to start, logging as runc does.
    const fake = join(world.dir, "refusing-runtime.sh");
    await writeFile(
      fake,
      `#!/bin/sh\nlog=""; prev=""\nfor a in "$@"; do [ "$prev" = "--log" ] && log="$a"; prev="$a"; done\nfor a in "$@"; do if [ "$a" = start ]; then echo '{"level":"error","msg":"start refused by the test runtime"}' >> "$log"; exit 1; fi; done\nexec ${RUNC} "$@"\n`,
      { mode: 0o755 },
    );
    const err = await world.create({ args: ["sleep", "100"] }, { start: true, runtime: fake }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShimStartError);
    expect((err as ShimStartError).runtimeMessage).toBe("start refused by the test runtime");
    const left = await execa(RUNC, ["--root", world.runcRoot, "list", "-q"]);
    expect(left.stdout.trim()).toBe("");
  });
});
