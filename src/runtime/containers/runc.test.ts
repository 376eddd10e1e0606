import { describe, it, expect } from "vitest";
import { createOciRuntime, runtimeMessage, type RunFn } from "./runc.ts";

describe("OCI runtime wrapper", () => {
  it("extracts runc's message from its log line", () => {
    expect(runtimeMessage('time="2026-11-25T09:00:00Z" level=error msg="container \\"x\\" does not exist"\n')).toBe(
      'container "x" does not exist',
    );
    expect(runtimeMessage("plain failure\n")).toBe("plain failure");
  });

  it("passes --root, maps a missing container to NotFound and an absent state to undefined", async () => {
    const calls: string[][] = [];
    const run: RunFn = async (_f, args) => {
      calls.push([...args]);
      return { stdout: "", stderr: 'level=error msg="container does not exist"', exitCode: 1 };
    };
    const rt = createOciRuntime({ root: "/run/x", run });
    await expect(rt.kill("abc", "TERM")).rejects.toMatchObject({ kind: "NotFound" });
    expect(await rt.state("abc")).toBeUndefined();
    expect(calls[0]).toEqual(["--root", "/run/x", "kill", "abc", "TERM"]);
  });

  it("parses list and ps output", async () => {
    const run: RunFn = async (_f, args) => ({
      stdout: args.includes("list") ? '[{"id":"a","pid":5,"status":"running","bundle":"/b"}]' : "[5,6]",
      stderr: "",
      exitCode: 0,
    });
    const rt = createOciRuntime({ root: "/r", run });
    expect((await rt.list())[0]?.pid).toBe(5);
    expect(await rt.ps("a")).toEqual([5, 6]);
  });
});
