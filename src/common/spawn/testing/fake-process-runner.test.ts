import { describe, expect, it } from "vitest";
import { ProcessExitError, SpawnFailure } from "../process-runner.ts";
import { fakeProcessRunner } from "./fake-process-runner.ts";

describe("fake process runner", () => {
  it("records calls and answers with the real runners' exit-status rule", async () => {
    const r = fakeProcessRunner(({ file }) => (file === "bad" ? { exitCode: 2, stderr: "nope" } : file === "gone" ? new SpawnFailure("gone: ENOENT", "ENOENT") : "ok\n"));
    expect(await r.run("good", ["a"])).toEqual({ exitCode: 0, stdout: "ok\n", stderr: "", timedOut: false });
    await expect(r.run("bad", ["x"])).rejects.toBeInstanceOf(ProcessExitError);
    await expect(r.run("bad", ["x"])).rejects.toThrow("bad x exited 2: nope");
    expect((await r.run("bad", [], { allowFailure: true })).exitCode).toBe(2);
    await expect(r.run("gone", [], { allowFailure: true })).rejects.toMatchObject({ code: "ENOENT" });
    expect(r.commands()).toEqual(["good a", "bad x", "bad x", "bad", "gone"]);
    expect(() => r.pipe("zstd", ["-d"])).toThrow(/not faked/);
  });
});
