import { describe, it, expect } from "vitest";
import { SpawnFailure } from "../../common/spawn/process-runner.ts";
import { fakeProcessRunner } from "../../common/spawn/testing/fake-process-runner.ts";
import { createOciRuntime, PROBE_OUTPUT_LIMIT, runtimeMessage } from "./runc.ts";

describe("OCI runtime wrapper", () => {
  it("extracts runc's message from its log line", () => {
    expect(runtimeMessage('time="2026-11-25T09:00:00Z" level=error msg="container \\"x\\" does not exist"\n')).toBe(
      'container "x" does not exist',
    );
    expect(runtimeMessage("plain failure\n")).toBe("plain failure");
  });

  it("passes --root, maps a missing container to NotFound and an absent state to undefined", async () => {
    const runner = fakeProcessRunner(() => ({ exitCode: 1, stderr: 'level=error msg="container does not exist"' }));
    const rt = createOciRuntime({ root: "/run/x", runner });
    await expect(rt.kill("abc", "TERM")).rejects.toMatchObject({ kind: "NotFound", message: "runc kill: container does not exist" });
    expect(await rt.state("abc")).toBeUndefined();
    expect(runner.commands()[0]).toBe("runc --root /run/x kill abc TERM");
  });

  it("maps a stopped or paused container to FailedPrecondition", async () => {
    const runner = fakeProcessRunner(() => ({ exitCode: 1, stderr: 'level=error msg="container not running"' }));
    await expect(createOciRuntime({ root: "/r", runner }).pause("a")).rejects.toMatchObject({ kind: "FailedPrecondition" });
  });

  it("parses list and ps output", async () => {
    const runner = fakeProcessRunner(({ args }) => (args.includes("list") ? '[{"id":"a","pid":5,"status":"running","bundle":"/b"}]' : "[5,6]"));
    const rt = createOciRuntime({ root: "/r", runner });
    expect((await rt.list())[0]?.pid).toBe(5);
    expect(await rt.ps("a")).toEqual([5, 6]);
  });
});

describe("healthcheck probes through the runtime", () => {
  it("runs runc exec with the timeout, both streams as one output", async () => {
    const runner = fakeProcessRunner(() => ({ exitCode: 1, stdout: "up\nwarn\n" }));
    const r = await createOciRuntime({ binary: "/usr/bin/runc", root: "/r", runner }).run("c1", "/b/probe.json", 5000);
    expect(r).toEqual({ exitCode: 1, output: "up\nwarn\n", timedOut: false });
    expect(runner.commands()).toEqual(["/usr/bin/runc --root /r exec --process /b/probe.json c1"]);
    expect(runner.calls[0]?.options).toMatchObject({ timeoutMs: 5000, mergeOutput: true, allowFailure: true });
  });

  it("says when the probe outlived its timeout", async () => {
    const runner = fakeProcessRunner(() => ({ exitCode: 137, signal: "SIGKILL", timedOut: true }));
    expect(await createOciRuntime({ root: "/r", runner }).run("c1", "/p", 100)).toEqual({ exitCode: 137, output: "", timedOut: true });
  });

  it("keeps the first 4 KiB of a long output", async () => {
    const runner = fakeProcessRunner(() => "x\n".repeat(5000));
    const r = await createOciRuntime({ root: "/r", runner }).run("c1", "/p", 100);
    expect(r.output).toBe("x\n".repeat(PROBE_OUTPUT_LIMIT / 2));
  });

  it("fails a probe that floods its output instead of throwing; other failures are errors", async () => {
    const flood = fakeProcessRunner(() => new SpawnFailure("runc: more than 1048576 bytes of output", "ENOBUFS"));
    expect(await createOciRuntime({ root: "/r", runner: flood }).run("c1", "/p", 100)).toEqual({ exitCode: -1, output: "runc: more than 1048576 bytes of output", timedOut: false });
    const missing = fakeProcessRunner(() => new SpawnFailure("runc: spawn ENOENT", "ENOENT"));
    await expect(createOciRuntime({ root: "/r", runner: missing }).run("c1", "/p", 100)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
