import { afterAll, describe, expect, it } from "vitest";
import { createSpawnPool, SpawnFailure } from "./spawn-pool.ts";

const pool = createSpawnPool({ size: 2 });
afterAll(() => pool.close());

describe("spawn pool (worker threads)", () => {
  it("returns exit code and both streams; a failing exit is a result, not an error", async () => {
    const r = await pool.run({ file: "/bin/sh", args: ["-c", "echo out; echo err >&2; exit 3"] });
    expect(r).toEqual({ exitCode: 3, stdout: "out\n", stderr: "err\n" });
  });

  it("merges stderr into stdout in arrival order when asked", async () => {
    const r = await pool.run({ file: "/bin/sh", args: ["-c", "echo a; sleep 0.05; echo b >&2; sleep 0.05; echo c"], mergeOutput: true });
    expect(r).toEqual({ exitCode: 0, stdout: "a\nb\nc\n", stderr: "" });
  });

  it("feeds input, replaces the environment when given, and runs in cwd", async () => {
    expect((await pool.run({ file: "/bin/cat", args: [], input: "abc\n" })).stdout).toBe("abc\n");
    expect((await pool.run({ file: "/usr/bin/env", args: [], env: { ONLY: "1" } })).stdout).toBe("ONLY=1\n");
    expect((await pool.run({ file: "/bin/pwd", args: [], cwd: "/tmp" })).stdout).toBe("/tmp\n");
  });

  it("rejects with the errno code when the program cannot start", async () => {
    const err = await pool.run({ file: "/no/such/program", args: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpawnFailure);
    expect((err as SpawnFailure).code).toBe("ENOENT");
  });

  it("kills the program when the caller aborts", async () => {
    const ac = new AbortController();
    const run = pool.run({ file: "/bin/sleep", args: ["30"] }, ac.signal);
    setTimeout(() => ac.abort(), 100);
    const r = await run;
    expect(r.signal).toBe("SIGKILL");
    expect(r.exitCode).toBe(137);
  });

  it("fails a run whose output passes the limit", async () => {
    const err = await pool.run({ file: "/bin/sh", args: ["-c", "head -c 100000 /dev/zero"], maxBuffer: 1000 }).catch((e: unknown) => e);
    expect((err as SpawnFailure).code).toBe("ENOBUFS");
  });

  it("runs many programs at once, each answer to its own request", async () => {
    const rs = await Promise.all(Array.from({ length: 40 }, (_, i) => pool.run({ file: "/bin/echo", args: [String(i)] })));
    expect(rs.map((r) => r.stdout)).toEqual(Array.from({ length: 40 }, (_, i) => `${i}\n`));
  });
});
