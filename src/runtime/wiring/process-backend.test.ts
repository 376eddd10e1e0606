import { describe, expect, it } from "vitest";
import { TstackError } from "../../common/errors.ts";
import { openProcessBackend } from "./process-backend.ts";

describe("the engine's process backend", () => {
  it("falls back to the worker pool, with a warning, when tstack-spawn is not built", async () => {
    const warnings: string[] = [];
    const b = await openProcessBackend({
      binary: "/nonexistent/tstack-spawn",
      log: (_l, m) => warnings.push(m),
      start: async () => {
        throw new TstackError("Unavailable", "cannot run /nonexistent/tstack-spawn");
      },
    });
    try {
      expect(b.native).toBeUndefined();
      expect(warnings[0]).toMatch(/make -C native/);
      expect((await b.runner.run("/bin/echo", ["ok"])).stdout).toBe("ok\n");
    } finally {
      await b.close();
    }
  });

  it("does not hide other failures", async () => {
    const start = async () => {
      throw new TstackError("Internal", "protocol mismatch");
    };
    await expect(openProcessBackend({ log: () => {}, start })).rejects.toThrow(/protocol mismatch/);
  });

  it("uses tstack-spawn when it is built", async () => {
    const b = await openProcessBackend({ log: () => {} });
    try {
      expect(b.native?.helperPid).toBeGreaterThan(0);
      expect((await b.runner.run("/bin/echo", ["native"])).stdout).toBe("native\n");
    } finally {
      await b.close();
    }
  });
});
