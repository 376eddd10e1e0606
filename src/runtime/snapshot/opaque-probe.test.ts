import { describe, expect, it } from "vitest";
import { getfattrOpaqueProbe } from "./opaque-probe.ts";
import type { ProcessRunner } from "./process-runner.ts";

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

function runner(result: { stdout: string } | Error, calls: string[][] = []): ProcessRunner {
  return {
    async run(file, args) {
      calls.push([file, ...args]);
      if (result instanceof Error) throw result;
      return { stdout: result.stdout, stderr: "" };
    },
    pipe() {
      throw new Error("not used");
    },
  };
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
    const err = Object.assign(new Error("exit 1"), { exitCode: 1, stdout: dump, stderr: "getfattr: /up/gone: No such file or directory\n" });
    expect((await getfattrOpaqueProbe(runner(err))(["/up/usr/share/doc", "/up/gone"])).has("/up/usr/share/doc")).toBe(true);
  });

  it("fails on any other error", async () => {
    const err = Object.assign(new Error("exit 1"), { exitCode: 1, stdout: "", stderr: "getfattr: /up/x: Operation not permitted\n" });
    await expect(getfattrOpaqueProbe(runner(err))(["/up/x"])).rejects.toThrow("exit 1");
  });
});
