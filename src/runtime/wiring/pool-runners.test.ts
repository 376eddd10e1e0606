import { afterAll, describe, expect, it } from "vitest";
import { createSpawnPool } from "../../common/spawn/spawn-pool.ts";
import { PROBE_OUTPUT_LIMIT } from "../containers/runc.ts";
import { isMissingBinary } from "../snapshot/process-runner.ts";
import { poolProbeRun, poolProcessRunner } from "./pool-runners.ts";

const pool = createSpawnPool();
afterAll(() => pool.close());
const probe = poolProbeRun(pool);

describe("healthcheck probes on the spawn pool", () => {
  it("reports the exit code and both streams as one output", async () => {
    const r = await probe("/bin/sh", ["-c", "echo up; echo warn >&2; exit 1"], 5_000);
    expect(r).toEqual({ exitCode: 1, output: "up\nwarn\n", timedOut: false });
  });

  it("kills a probe that outlives its timeout and says so", async () => {
    const r = await probe("/bin/sleep", ["30"], 100);
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBe(137);
  });

  it("keeps the first 4 KiB of a long output", async () => {
    const r = await probe("/bin/sh", ["-c", "yes x | head -c 10000"], 5_000);
    expect(r.output).toBe("x\n".repeat(PROBE_OUTPUT_LIMIT / 2));
    expect(r.exitCode).toBe(0);
  });

  it("fails a probe that floods its output instead of throwing", async () => {
    const r = await probe("/bin/sh", ["-c", "head -c 2000000 /dev/zero"], 5_000);
    expect(r.exitCode).toBe(-1);
    expect(r.output).toMatch(/bytes of output/);
  });
});

describe("the snapshotter's programs on the spawn pool", () => {
  const runner = poolProcessRunner(pool);
  it("feeds input and returns the output", async () => {
    expect(await runner.run("/bin/cat", [], { input: Buffer.from("dump\n") })).toEqual({ stdout: "dump\n", stderr: "" });
  });
  it("rejects a failing program with its stderr, and a missing one as missing", async () => {
    await expect(runner.run("/bin/sh", ["-c", "echo no such device >&2; exit 1"])).rejects.toThrow(/exit 1: no such device/);
    expect(isMissingBinary(await runner.run("/no/mknod", []).catch((e: unknown) => e))).toBe(true);
  });
});
