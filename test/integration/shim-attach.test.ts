import { spawn } from "node:child_process";
import { connect } from "node:net";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { attachShim, startShim, type ShimAttachment } from "../../src/runtime/shim/index.ts";
import { ShimWorld, buildShim, eventually, sleep } from "./shim-harness.ts";

// Scenario: clients attach to a shim's socket to type into a container and watch its output
// live: a pipe-backed stdin, a TTY that follows resizes, and execs with and without a TTY.

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

interface Collected {
  stdout: string;
  stderr: string;
}

// Reads an attachment's output to its end in the background.
function collect(a: ShimAttachment): { got: Collected; done: Promise<Collected> } {
  const got: Collected = { stdout: "", stderr: "" };
  const done = (async () => {
    for await (const o of a.output) got[o.stream] += o.data.toString("utf8");
    return got;
  })();
  return { got, done };
}

describe("tstack-shim attach", () => {
  it("feeds stdin to the container and streams its echo back; close stdin ends cat", async () => {
    const c = await world.create({ args: ["cat"] }, { stdin: true });
    await using a = await attachShim(c.attachPath);
    const out = collect(a);
    await world.start(c.id);
    a.write("hello\n");
    await eventually(async () => expect(out.got.stdout).toBe("hello\n"));
    a.write("world\n");
    a.closeStdin();
    expect(await a.exit).toMatchObject({ exitCode: 0, signal: null, pid: c.started.pid });
    expect((await out.done).stdout).toBe("hello\nworld\n");
    expect((await world.logLines(c.logPath)).map((l) => l.log)).toEqual(["hello\n", "world\n"]);
  });

  it("serves many clients the same live output; one hanging up harms no other", async () => {
    const c = await world.create({ args: ["sh", "-c", "read go; seq 1 20000; echo bye >&2"] }, { stdin: true });
    const clients = await Promise.all(Array.from({ length: 6 }, () => attachShim(c.attachPath)));
    const outs = clients.map(collect);
    const quitter = await attachShim(c.attachPath);
    quitter.close();
    await world.start(c.id);
    clients[0]!.write("go\n");
    const expected = Array.from({ length: 20000 }, (_, i) => `${i + 1}\n`).join("");
    for (const [i, o] of outs.entries()) {
      expect(await o.done, `client ${i}`).toEqual({ stdout: expected, stderr: "bye\n" });
      expect(await clients[i]!.exit).toMatchObject({ exitCode: 0 });
    }
  });

  it("holds the container back for a client that stops reading, then drops that client", async () => {
    const total = 20_000_000;
    const c = await world.create({ args: ["sh", "-c", `read go; tr '\\0' a </dev/zero | head -c ${total}`] }, { stdin: true });
    const stalled = connect(c.attachPath);
    await new Promise((r) => stalled.once("connect", r));
    stalled.pause(); // never reads: the shim's buffer for it fills up
    let stalledBytes = 0;
    const stalledEnd = new Promise<void>((r) => stalled.once("close", () => r()));
    stalled.on("data", (d: Buffer) => void (stalledBytes += d.length));
    await using a = await attachShim(c.attachPath);
    const out = collect(a);
    await world.start(c.id);
    a.write("go\n");
    expect(await a.exit).toMatchObject({ exitCode: 0 });
    expect((await out.done).stdout.length).toBe(total);
    const logged = await world.logLines(c.logPath);
    expect(logged.reduce((n, l) => n + l.log.length, 0)).toBe(total);
    stalled.resume();
    await stalledEnd;
    expect(stalledBytes).toBeLessThan(total); // it was cut off, and its socket closed
  });

  it("applies resizes to a TTY container", async () => {
    const c = await world.create({ args: ["sh", "-c", "read x; stty size; exit 4"] }, { tty: true, stdin: true });
    await using a = await attachShim(c.attachPath);
    const out = collect(a);
    await world.start(c.id);
    a.resize(33, 101);
    a.write("go\r");
    expect(await a.exit).toMatchObject({ exitCode: 4 });
    const { stdout, stderr } = await out.done;
    expect(stdout).toContain("33 101\r\n");
    expect(stderr).toBe(""); // a TTY has one stream
    const logged = await world.logLines(c.logPath);
    expect(logged.every((l) => l.stream === "stdout")).toBe(true);
    expect(logged.map((l) => l.log).join("")).toContain("33 101\r\n");
  });

  for (const tty of [false, true]) {
    it(`runs an exec ${tty ? "with" : "without"} a TTY and holds its output until a client attaches`, async () => {
      const c = await world.create({ args: ["sleep", "1000"] });
      await world.start(c.id);
      const execId = `exec-${tty ? "tty" : "pipes"}`;
      const processFile = await world.processFile(execId, {
        terminal: tty,
        args: ["sh", "-c", "echo exec-out; echo exec-err >&2; read line; echo got-$line; exit 5"],
      });
      const started = await startShim(
        { mode: "exec", id: c.id, execId, processFile, ...world.common(execId), tty, stdin: true, waitAttachMs: 10_000 },
        { spawn },
      );
      world.trackShim(started.shimPid);
      expect(started.pid).not.toBe(c.started.pid);
      await sleep(300); // the exec has long written its first lines by now
      await using a = await attachShim(world.common(execId).stateDir + "/attach.sock");
      const out = collect(a);
      a.write(tty ? "x\r" : "x\n");
      expect(await a.exit).toMatchObject({ exitCode: 5, pid: started.pid });
      const { stdout, stderr } = await out.done;
      if (tty) {
        expect(stdout).toContain("exec-out\r\n");
        expect(stdout).toContain("exec-err\r\n");
        expect(stdout).toContain("got-x\r\n");
        expect(stderr).toBe("");
      } else {
        // Output written before we attached was held in the pipe, not lost.
        expect(stdout).toBe("exec-out\ngot-x\n");
        expect(stderr).toBe("exec-err\n");
      }
      expect(await world.waitExit(world.common(execId).exitFile)).toMatchObject({ exitCode: 5 });
      // The container itself is untouched by its exec ending.
      await world.runc("kill", c.id, "KILL");
      expect(await world.waitExit(c.exitFile)).toMatchObject({ exitCode: 137 });
    });
  }
});
