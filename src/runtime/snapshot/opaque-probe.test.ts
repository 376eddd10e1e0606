import { describe, expect, it } from "vitest";
import { getfattrOpaqueProbe } from "./opaque-probe.ts";
import { SpawnFailure } from "../../common/spawn/process-runner.ts";
import { fakeProcessRunner, type FakeAnswer } from "../../common/spawn/testing/fake-process-runner.ts";

const dump = [
  "# file: /up/usr/share/doc",
  "trusted.overlay.opaque=0x79",
  "",
  "# file: /up/with\\040space/\\303\\251t\\303\\251",
  "trusted.overlay.opaque=0x79",
  "",
  "# file: /up/no",
  "trusted.overlay.opaque=0x6e",
  "",
].join("\n");

function runner(answer: FakeAnswer, calls: string[][] = []) {
  return fakeProcessRunner((c) => {
    calls.push([c.file, ...c.args]);
    return answer;
  });
}

describe("getfattrOpaqueProbe", () => {
  it("asks getfattr about all directories at once and keeps those marked y", async () => {
    const calls: string[][] = [];
    const probe = getfattrOpaqueProbe(runner({ stdout: dump }, calls));
    const found = await probe(["/up/usr/share/doc", "/up/no", "/up/with space/été"]);
    expect([...found].sort()).toEqual(["/up/usr/share/doc", "/up/with space/été"]);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.slice(-4)).toEqual(["--", "/up/usr/share/doc", "/up/no", "/up/with space/été"]);
  });

  it("splits long lists into several processes", async () => {
    const calls: string[][] = [];
    await getfattrOpaqueProbe(runner({ stdout: "" }, calls))(Array.from({ length: 1200 }, (_, i) => `/d${i}`));
    expect(calls).toHaveLength(3);
  });

  it("uses what getfattr reported when the only failures are vanished paths", async () => {
    const vanished = { exitCode: 1, stdout: dump, stderr: "getfattr: /up/gone: No such file or directory\n" };
    expect((await getfattrOpaqueProbe(runner(vanished))(["/up/usr/share/doc", "/up/gone"])).has("/up/usr/share/doc")).toBe(true);
  });

  it("fails on any other error", async () => {
    const denied = { exitCode: 1, stdout: "", stderr: "getfattr: /up/x: Operation not permitted\n" };
    await expect(getfattrOpaqueProbe(runner(denied))(["/up/x"])).rejects.toThrow(/getfattr .* exited 1: getfattr: \/up\/x: Operation not permitted/);
    await expect(getfattrOpaqueProbe(runner(new SpawnFailure("getfattr: spawn ENOENT", "ENOENT")))(["/up/x"])).rejects.toMatchObject({ code: "ENOENT" });
  });
});
