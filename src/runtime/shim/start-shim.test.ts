import type { ChildProcess, SpawnOptions } from "node:child_process";
import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { isKind } from "../../common/errors.ts";
import { ShimStartError, parseReadyLine, startShim, startShimVia, type LaunchUntilLine, type SpawnShim } from "./start-shim.ts";
import type { ShimCreateOptions } from "./shim-options.ts";

const opts: ShimCreateOptions = {
  mode: "create",
  binary: "/opt/tstack-shim",
  id: "c1",
  bundle: "/b",
  runtime: "/usr/sbin/runc",
  runtimeRoot: "/r",
  stateDir: "/s",
  exitFile: "/e.json",
  logPath: "/l.log",
};

interface FakeChild {
  child: ChildProcess;
  stdout: PassThrough;
  stderr: PassThrough;
  unrefs: () => number;
  calls: { cmd: string; args: readonly string[]; options: SpawnOptions }[];
  spawn: SpawnShim;
}

function fake(): FakeChild {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let unrefs = 0;
  const child = Object.assign(new EventEmitter(), { stdout, stderr, unref: () => void unrefs++ }) as unknown as ChildProcess;
  const calls: FakeChild["calls"] = [];
  return {
    child,
    stdout,
    stderr,
    unrefs: () => unrefs,
    calls,
    spawn: (cmd, args, options) => {
      calls.push({ cmd, args, options });
      return child;
    },
  };
}

describe("parseReadyLine", () => {
  it("recognises both outcomes", () => {
    expect(parseReadyLine('{"pid":12,"shimPid":11}')).toEqual({ kind: "ready", pid: 12, shimPid: 11 });
    expect(parseReadyLine('{"error":"exec: \\"nope\\": not found"}')).toEqual({ kind: "error", message: 'exec: "nope": not found' });
    expect(() => parseReadyLine("garbage")).toThrow(/not JSON/);
    expect(() => parseReadyLine('{"pid":0,"shimPid":1}')).toThrow(/unexpected/);
  });
});

describe("startShim", () => {
  it("spawns detached with piped stdout/stderr and resolves from a line split across chunks", async () => {
    const f = fake();
    const p = startShim(opts, { spawn: f.spawn });
    f.stdout.write('{"pid":4');
    f.stdout.write('2,"shimPid":41}\n');
    await expect(p).resolves.toEqual({ pid: 42, shimPid: 41 });
    expect(f.calls[0]?.cmd).toBe("/opt/tstack-shim");
    expect(f.calls[0]?.args.slice(0, 3)).toEqual(["create", "--id", "c1"]);
    expect(f.calls[0]?.options).toMatchObject({ detached: true, stdio: ["ignore", "pipe", "pipe"] });
    expect(f.unrefs()).toBe(1);
    expect(f.stdout.destroyed).toBe(true);
  });

  it("rejects with runc's message on an error line", async () => {
    const f = fake();
    const p = startShim(opts, { spawn: f.spawn });
    f.stdout.write('{"error":"exec: \\"/nope\\": stat /nope: no such file or directory"}\n');
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShimStartError);
    expect((err as ShimStartError).runtimeMessage).toBe('exec: "/nope": stat /nope: no such file or directory');
    expect((err as Error).message).toMatch(/^create container c1: exec/);
    expect(isKind(err, "FailedPrecondition")).toBe(true);
  });

  it("reports a shim that dies without a line, with its stderr", async () => {
    const f = fake();
    const p = startShim(opts, { spawn: f.spawn });
    f.stderr.write("segfault-ish\n");
    await new Promise((r) => setImmediate(r));
    f.child.emit("close", null, "SIGSEGV");
    await expect(p).rejects.toThrow(/SIGSEGV.*segfault-ish/);
  });

  it("reports a missing binary as Unavailable", async () => {
    const f = fake();
    const p = startShim(opts, { spawn: f.spawn });
    f.child.emit("error", Object.assign(new Error("spawn ENOENT"), { code: "ENOENT" }));
    const err = await p.catch((e: unknown) => e);
    expect(isKind(err, "Unavailable")).toBe(true);
    expect((err as Error).message).toMatch(/make -C native/);
  });

  it("stops waiting on abort", async () => {
    const f = fake();
    const ac = new AbortController();
    const p = startShim(opts, { spawn: f.spawn }, ac.signal);
    ac.abort(new Error("caller gave up"));
    await expect(p).rejects.toThrow("caller gave up");
    expect(f.unrefs()).toBe(1);
  });
});

describe("startShimVia (tstack-spawn waits for the ready line)", () => {
  const answering = (r: Awaited<ReturnType<LaunchUntilLine>>) => {
    const seen: Parameters<LaunchUntilLine>[0][] = [];
    const launch: LaunchUntilLine = async (req) => {
      seen.push(req);
      return r;
    };
    return { launch, seen };
  };

  it("launches the shim detached with its arguments and reads the ready line", async () => {
    const { launch, seen } = answering({ line: '{"pid":42,"shimPid":41}', stderr: "" });
    expect(await startShimVia(opts, launch)).toEqual({ pid: 42, shimPid: 41 });
    expect(seen[0]?.file).toBe("/opt/tstack-shim");
    expect(seen[0]?.detached).toBe(true);
    expect(seen[0]?.args.slice(0, 3)).toEqual(["create", "--id", "c1"]);
  });

  it("reports the runtime's refusal as ShimStartError", async () => {
    const { launch } = answering({ line: '{"error":"exec: \\"/x\\": no such file"}', stderr: "" });
    const err = await startShimVia(opts, launch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShimStartError);
    expect((err as ShimStartError).runtimeMessage).toBe('exec: "/x": no such file');
  });

  it("says how the shim ended when it ended before its line", async () => {
    const { launch } = answering({ stderr: "tstack-shim: bad flag\n", exit: { exitCode: 2, stdout: "" } });
    await expect(startShimVia(opts, launch)).rejects.toThrow(/exited \(status 2\) before reporting: tstack-shim: bad flag/);
  });

  it("turns a launch failure into Unavailable naming the binary", async () => {
    const launch: LaunchUntilLine = async () => {
      throw new Error("ENOENT: no such file");
    };
    const err = await startShimVia(opts, launch).catch((e: unknown) => e);
    expect(isKind(err, "Unavailable")).toBe(true);
    expect(String(err)).toMatch(/\/opt\/tstack-shim.*make -C native/);
  });

  it("stops waiting on abort without cancelling the launch", async () => {
    let finish: (v: Awaited<ReturnType<LaunchUntilLine>>) => void = () => {};
    const launch: LaunchUntilLine = () => new Promise((resolve) => (finish = resolve));
    const ac = new AbortController();
    const p = startShimVia(opts, launch, ac.signal);
    ac.abort(new Error("client went away"));
    await expect(p).rejects.toThrow(/client went away/);
    finish({ line: '{"pid":1,"shimPid":2}', stderr: "" });
  });
});
