import { describe, expect, it } from "vitest";
import { isShimAlive, isShimCommandLine } from "./shim-liveness.ts";

const argv = (...a: string[]) => a.join("\0") + "\0";

describe("shim liveness", () => {
  const create = argv("/x/native/build/tstack-shim", "create", "--id", "c1", "--bundle", "/b");
  const exec = argv("/x/tstack-shim", "exec", "--id", "c1", "--exec-id", "e1", "--process", "/p");

  it("recognises the container's own shim", () => {
    expect(isShimCommandLine(create, "c1")).toBe(true);
    expect(isShimCommandLine(create, "c2")).toBe(false);
    expect(isShimCommandLine(exec, "c1")).toBe(false); // an exec shim is not the container's
    expect(isShimCommandLine(argv("/usr/bin/sleep", "create", "--id", "c1"), "c1")).toBe(false);
  });

  it("recognises an exec's shim", () => {
    expect(isShimCommandLine(exec, "c1", "e1")).toBe(true);
    expect(isShimCommandLine(exec, "c1", "e2")).toBe(false);
    expect(isShimCommandLine(create, "c1", "e1")).toBe(false);
  });

  it("reads /proc and treats a missing process as dead", async () => {
    expect(await isShimAlive(42, "c1", undefined, { readFile: async (p) => (p === "/proc/42/cmdline" ? create : "") })).toBe(true);
    expect(await isShimAlive(42, "c1", undefined, { readFile: () => Promise.reject(new Error("ENOENT")) })).toBe(false);
    expect(await isShimAlive(0, "c1")).toBe(false);
    expect(await isShimAlive(process.pid, "c1")).toBe(false); // vitest's worker is no shim
  });
});
