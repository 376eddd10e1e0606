import { describe, expect, it } from "vitest";
import { BuildStepError } from "./step-error.ts";
import { build, eventually, fakes, outcomes } from "./testing/build-fixture.ts";

// Failures, cancellation and concurrency: whatever happens, no active snapshot is left behind.

const TWO_STAGES = `FROM alpine AS a
RUN wait go && echo a > /a
FROM alpine AS b
RUN wait go && echo b > /b
FROM alpine
COPY --from=a /a /a
COPY --from=b /b /b
`;

describe("executeBuild failures", () => {
  it("a failing RUN names its line, command, exit code and last output, and leaves no snapshot", async () => {
    const f = fakes();
    const text = "FROM alpine\nRUN echo ok > /ok\nRUN echo compiling && echo error: boom && exit 2\nRUN echo never";
    const err: unknown = await build(f, text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildStepError);
    const e = err as BuildStepError;
    expect(e.kind).toBe("FailedPrecondition");
    expect(e).toMatchObject({ line: 3, exitCode: 2, outputTail: "compiling\nerror: boom" });
    expect(e.message).toBe(
      'Dockerfile:3: RUN echo compiling && echo error: boom && exit 2: process "/bin/sh -c echo compiling && echo error: boom && exit 2" ' +
        "did not complete successfully: exit code: 2\n  | compiling\n  | error: boom",
    );
    expect(f.snapshots.active.size).toBe(0);
    expect(f.snapshots.log.filter((l) => l.startsWith("remove"))).toHaveLength(1);
    expect(f.cache.records.size).toBe(1);
    expect(f.events).toContainEqual(expect.objectContaining({ type: "step", line: 3, status: "failed" }));
    expect(f.images.stored).toEqual([]);
    // The steps before the failure are cached for the next attempt.
    await build(f, text.replace("exit 2", "true")).then((out) => expect(outcomes(out)[0]).toEqual(["cached", "built", "built"]));
  });

  it("--target skips an unrelated stage, even one that would fail", async () => {
    const f = fakes();
    const text = "FROM nosuchimage AS broken\nRUN exit 1\nFROM alpine AS app\nRUN echo ok > /ok\nFROM app";
    const out = await build(f, text, { target: "app" });
    expect(out.stages.map((s) => s.name)).toEqual(["app"]);
    expect(f.images.resolved).toEqual(["alpine"]);
    expect(f.runner.runs).toHaveLength(1);
    await expect(build(f, text, { target: "broken" })).rejects.toThrow("Dockerfile:1: FROM nosuchimage: pull access denied");
  });

  it("a missing COPY source is a NotFound error at its line", async () => {
    const f = fakes({ "a.txt": "a" }, "secret.txt");
    f.context.write("secret.txt", "s");
    await expect(build(f, "FROM alpine\nCOPY missing.txt /x")).rejects.toMatchObject({
      kind: "NotFound",
      message: 'Dockerfile:2: COPY missing.txt /x: "missing.txt" not found in the build context (or it is excluded by .dockerignore)',
    });
    await expect(build(f, "FROM alpine\nCOPY secret.txt /x")).rejects.toThrow("not found in the build context");
    // A wildcard may match nothing.
    await expect(build(f, "FROM alpine\nCOPY *.none /x/")).resolves.toBeDefined();
    expect(f.snapshots.active.size).toBe(0);
  });

  it("several sources need a directory destination; ADD of a URL is not supported yet", async () => {
    const f = fakes({ "a": "a", "b": "b" });
    await expect(build(f, "FROM alpine\nCOPY a b /x")).rejects.toThrow("the destination must be a directory and end with a /");
    await expect(build(f, "FROM alpine\nADD https://example.com/x.tgz /x/")).rejects.toMatchObject({ kind: "Unimplemented" });
  });
});

describe("executeBuild concurrency and cancellation", () => {
  it("independent stages run concurrently; the final stage waits for both", async () => {
    const f = fakes();
    const running = build(f, TWO_STAGES);
    await eventually(() => f.runner.inFlight === 2);
    expect(f.snapshots.log.filter((l) => l.startsWith("prepare"))).toHaveLength(2);
    f.runner.release("go");
    const out = await running;
    expect(f.runner.maxInFlight).toBe(2);
    expect(f.snapshots.fileAt(out.target.chainId, "/a")).toBe("a\n");
    expect(f.snapshots.fileAt(out.target.chainId, "/b")).toBe("b\n");
    expect(out.stages.map((s) => s.index)).toEqual([0, 1, 2]);
  });

  it("aborting stops the build and removes every snapshot it prepared", async () => {
    const f = fakes();
    const abort = new AbortController();
    const running = build(f, TWO_STAGES, { signal: abort.signal });
    await eventually(() => f.runner.inFlight === 2);
    abort.abort(new Error("cancelled by the user"));
    await expect(running).rejects.toThrow("cancelled by the user");
    expect(f.snapshots.active.size).toBe(0);
    expect(f.snapshots.log.filter((l) => l.startsWith("remove"))).toHaveLength(2);
    expect(f.cache.records.size).toBe(0);
  });

  it("a failing stage aborts a concurrent one, which removes its snapshot too", async () => {
    const f = fakes();
    const text = TWO_STAGES.replace("RUN wait go && echo b > /b", "RUN exit 3");
    const err = await build(f, text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildStepError);
    expect((err as BuildStepError).line).toBe(4);
    expect(f.snapshots.active.size).toBe(0);
    expect(f.events).toContainEqual(expect.objectContaining({ type: "step", stage: 0, status: "failed", detail: "cancelled" }));
  });

  it("an abort before the build starts does nothing", async () => {
    const f = fakes();
    const abort = new AbortController();
    abort.abort(new Error("too late"));
    await expect(build(f, TWO_STAGES, { signal: abort.signal })).rejects.toThrow("too late");
    expect(f.snapshots.log).toEqual([]);
  });
});
