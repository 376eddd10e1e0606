import { describe, expect, it } from "vitest";
import { parseExitInfo, readExitFile } from "./exit-file.ts";

const enoent = () => Promise.reject(Object.assign(new Error("nope"), { code: "ENOENT" }));

describe("exit file", () => {
  it("parses the shim's record", () => {
    expect(parseExitInfo('{"exitCode":0,"signal":null,"exitedAt":"2026-11-25T09:00:00.123456789Z","pid":42}\n')).toEqual({
      exitCode: 0,
      signal: null,
      exitedAt: "2026-11-25T09:00:00.123456789Z",
      pid: 42,
    });
    expect(parseExitInfo('{"exitCode":137,"signal":9,"exitedAt":"x","pid":1}').signal).toBe(9);
  });

  it("reports malformed records as data loss", () => {
    expect(() => parseExitInfo("")).toThrow(/not JSON/);
    expect(() => parseExitInfo('{"exitCode":"0","signal":null,"exitedAt":"x","pid":1}')).toThrow(/malformed/);
    expect(() => parseExitInfo('{"exitCode":0,"exitedAt":"x","pid":1}')).toThrow(/malformed/);
    expect(() => parseExitInfo("null")).toThrow(/not an object/);
  });

  it("is undefined while the process runs and rethrows other read errors", async () => {
    expect(await readExitFile("/x", { readFile: enoent })).toBeUndefined();
    await expect(readExitFile("/x", { readFile: () => Promise.reject(new Error("EIO")) })).rejects.toThrow("EIO");
    const info = await readExitFile("/x", {
      readFile: async () => '{"exitCode":3,"signal":null,"exitedAt":"t","pid":7}',
    });
    expect(info?.exitCode).toBe(3);
  });
});
