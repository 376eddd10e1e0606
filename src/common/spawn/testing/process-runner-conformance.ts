// What every ProcessRunner does, run against each implementation (test-only; left out of the
// build): tstack-spawn, the worker threads and this thread must be interchangeable.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { isMissingBinary, ProcessExitError, SpawnFailure, type ProcessRunner } from "../process-runner.ts";

const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

export function describeProcessRunner(name: string, runner: () => ProcessRunner): void {
  describe(`${name}: the ProcessRunner contract`, () => {
    it("returns exit code and both streams; a signal is 128 + its number", async () => {
      const r = runner();
      expect(await r.run("/bin/sh", ["-c", "echo out; echo err >&2"])).toEqual({ exitCode: 0, stdout: "out\n", stderr: "err\n", timedOut: false });
      expect(await r.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"], { allowFailure: true })).toEqual({ exitCode: 3, stdout: "out\n", stderr: "err\n", timedOut: false });
      expect(await r.run("/bin/sh", ["-c", "kill -TERM $$"], { allowFailure: true })).toEqual({ exitCode: 143, signal: "SIGTERM", stdout: "", stderr: "", timedOut: false });
    });

    it("rejects a failed exit with an error naming the command and its stderr, unless failure is allowed", async () => {
      const err = await errorOf(runner().run("/bin/sh", ["-c", "echo no such device >&2; exit 2"]));
      expect(err).toBeInstanceOf(ProcessExitError);
      expect((err as Error).message).toBe("/bin/sh -c echo no such device >&2; exit 2 exited 2: no such device");
      expect(err).toMatchObject({ exitCode: 2, stderr: "no such device\n", stdout: "" });
      // Without stderr, stdout tells why (a CNI plugin's JSON error).
      expect((await errorOf(runner().run("/bin/sh", ["-c", "echo said so; exit 1"])) as Error).message).toMatch(/exited 1: said so$/);
    });

    it("feeds input and closes stdin, even input larger than a pipe holds", async () => {
      const r = runner();
      expect((await r.run("/bin/cat", [], { input: "abc\n" })).stdout).toBe("abc\n");
      expect((await r.run("/bin/cat", [])).stdout).toBe("");
      const big = "x".repeat(3 * 1024 * 1024);
      expect((await r.run("/usr/bin/wc", ["-c"], { input: Buffer.from(big) })).stdout.trim()).toBe(String(big.length));
      expect((await r.run("/bin/true", [], { input: big })).exitCode).toBe(0);
    });

    it("replaces the environment when given, and runs in cwd", async () => {
      const r = runner();
      expect((await r.run("/usr/bin/env", [], { env: { ONLY: "1" } })).stdout).toBe("ONLY=1\n");
      expect((await r.run("/bin/pwd", [], { cwd: "/tmp" })).stdout).toBe("/tmp\n");
    });

    it("merges stderr into stdout in arrival order when asked", async () => {
      const r = await runner().run("/bin/sh", ["-c", "echo a; sleep 0.05; echo b >&2; sleep 0.05; echo c"], { mergeOutput: true });
      expect(r).toEqual({ exitCode: 0, stdout: "a\nb\nc\n", stderr: "", timedOut: false });
    });

    it("kills a run whose output passes the limit and fails it with ENOBUFS", async () => {
      const err = await errorOf(runner().run("/bin/sh", ["-c", "head -c 100000 /dev/zero; exec sleep 30"], { maxBuffer: 1000, allowFailure: true }));
      expect(err).toBeInstanceOf(SpawnFailure);
      expect((err as SpawnFailure).code).toBe("ENOBUFS");
      expect((await runner().run("/bin/sh", ["-c", "head -c 1000 /dev/zero"], { maxBuffer: 1000 })).stdout).toHaveLength(1000);
    });

    it("rejects with the errno code when the program cannot start, whatever allowFailure says", async () => {
      const err = await errorOf(runner().run("/no/such/program", [], { allowFailure: true }));
      expect(err).toBeInstanceOf(SpawnFailure);
      expect(isMissingBinary(err)).toBe(true);
      expect((err as Error).message).toContain("/no/such/program");
    });

    it("kills the program at its timeout and says so: a result with allowFailure, else an error", async () => {
      const started = Date.now();
      const r = await runner().run("/bin/sleep", ["30"], { timeoutMs: 100, allowFailure: true });
      expect(r).toMatchObject({ exitCode: 137, timedOut: true });
      expect(Date.now() - started).toBeLessThan(5000);
      const err = await errorOf(runner().run("/bin/sleep", ["30"], { timeoutMs: 100 }));
      expect(err).toBeInstanceOf(ProcessExitError);
      expect((err as Error).message).toBe("/bin/sleep 30 timed out after 100 ms");
      expect((await runner().run("/bin/true", [], { timeoutMs: 5000 })).timedOut).toBe(false);
    });

    it("kills the program when the caller aborts and rejects with the reason; an aborted signal starts nothing", async () => {
      const ac = new AbortController();
      const reason = new Error("stop");
      const run = runner().run("/bin/sleep", ["30"], { signal: ac.signal, allowFailure: true });
      setTimeout(() => ac.abort(reason), 100);
      await expect(run).rejects.toBe(reason);
      const already = new Error("already");
      await expect(runner().run("/bin/true", [], { signal: AbortSignal.abort(already) })).rejects.toBe(already);
    });

    it("runs many programs at once, each answer to its own request", async () => {
      const r = runner();
      const rs = await Promise.all(Array.from({ length: 40 }, (_, i) => r.run("/bin/sh", ["-c", `echo ${i}; exit ${i % 7}`], { allowFailure: true })));
      expect(rs.map((x) => [x.stdout, x.exitCode])).toEqual(Array.from({ length: 40 }, (_, i) => [`${i}\n`, i % 7]));
    });

    it("pipes a stream through a program", async () => {
      const p = runner().pipe("/bin/cat", []);
      const chunks: Buffer[] = [];
      p.stdout.on("data", (c: Buffer) => chunks.push(c));
      await pipeline(Readable.from([Buffer.from("streamed "), Buffer.from("through")]), p.stdin);
      await p.done;
      expect(Buffer.concat(chunks).toString()).toBe("streamed through");
    });

    it("fails a piped program that cannot start or exits non-zero through `done`", async () => {
      const missing = runner().pipe("/no/such/zstd", []);
      missing.stdin.on("error", () => undefined);
      missing.stdout.resume();
      expect(isMissingBinary(await errorOf(missing.done))).toBe(true);
      const failing = runner().pipe("/bin/sh", ["-c", "echo corrupt >&2; exit 1"]);
      failing.stdin.on("error", () => undefined);
      failing.stdout.resume();
      expect(((await errorOf(failing.done)) as Error).message).toMatch(/exited 1: corrupt/);
    });
  });
}
