import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { appendFile, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readLogs, type LogEntry } from "./log-reader.ts";
import { formatTimeNs, parseSinceUntil, parseTimeNs, durationNs } from "./log-time.ts";

const line = (log: string, sec: number, stream = "stdout") =>
  JSON.stringify({ log: `${log}\n`, stream, time: formatTimeNs(BigInt(sec) * 1_000_000_000n + 123n) }) + "\n";

async function all(it: AsyncIterable<LogEntry>): Promise<string[]> {
  const out: string[] = [];
  for await (const e of it) out.push(`${e.stream}:${e.log.trimEnd()}`);
  return out;
}

describe("log time", () => {
  it("round-trips nanosecond timestamps", () => {
    const ns = parseTimeNs("2026-11-25T09:00:00.123456789Z");
    expect(formatTimeNs(ns)).toBe("2026-11-25T09:00:00.123456789Z");
    expect(parseTimeNs("2026-11-25T10:00:00+01:00")).toBe(parseTimeNs("2026-11-25T09:00:00Z"));
  });
  it("parses since/until like Docker", () => {
    const now = parseTimeNs("2026-11-25T09:00:00Z");
    expect(parseSinceUntil("10m", now)).toBe(now - 600_000_000_000n);
    expect(parseSinceUntil("1700000000.5", now)).toBe(1_700_000_000_500_000_000n);
    expect(parseSinceUntil("2026-11-25T08:00:00Z", now)).toBe(now - 3_600_000_000_000n);
    expect(durationNs("1h30m")).toBe(5_400_000_000_000n);
    expect(() => durationNs("1x")).toThrow(/invalid duration/);
  });
});

describe("readLogs", () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "tstack-logs-"));
    file = join(dir, "c-json.log");
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("reads rotated files oldest first, with tail, since and until", async () => {
    await writeFile(`${file}.2`, line("one", 1) + line("two", 2, "stderr"));
    await writeFile(`${file}.1`, line("three", 3));
    await writeFile(file, line("four", 4) + line("five", 5));
    expect(await all(readLogs(file))).toEqual(["stdout:one", "stderr:two", "stdout:three", "stdout:four", "stdout:five"]);
    expect(await all(readLogs(file, { tail: 2 }))).toEqual(["stdout:four", "stdout:five"]);
    expect(await all(readLogs(file, { tail: 0 }))).toEqual([]);
    expect(await all(readLogs(file, { sinceNs: 3_000_000_000n, untilNs: 4_000_000_200n }))).toEqual(["stdout:three", "stdout:four"]);
  });

  it("skips a torn last line and damaged lines", async () => {
    await writeFile(file, line("ok", 1) + "garbage\n" + '{"log":"half');
    expect(await all(readLogs(file))).toEqual(["stdout:ok"]);
  });

  it("follows appends and rotation until done", async () => {
    await writeFile(file, line("a", 1));
    let done = false;
    const got: string[] = [];
    const reading = (async () => {
      for await (const e of readLogs(file, { follow: true, isDone: () => done, pollMs: 20 })) got.push(e.log.trim());
    })();
    await new Promise((r) => setTimeout(r, 50));
    await appendFile(file, line("b", 2));
    await new Promise((r) => setTimeout(r, 50));
    await appendFile(file, line("c", 3));
    await rename(file, `${file}.1`);
    await writeFile(file, line("d", 4));
    await new Promise((r) => setTimeout(r, 80));
    await appendFile(file, line("e", 5));
    done = true;
    await reading;
    expect(got).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("ends at the end of the run it followed: a quick restart's lines already in the file are left out", async () => {
    await writeFile(file, line("run1-a", 1));
    let done = false;
    const got: string[] = [];
    const reading = (async () => {
      for await (const e of readLogs(file, { follow: true, isDone: () => done, endNs: () => 2_500_000_000n, pollMs: 20 })) got.push(e.log.trim());
    })();
    await new Promise((r) => setTimeout(r, 50));
    // The run ended at 2.5 s and the next one wrote at 3 s before the reader noticed the end.
    done = true;
    await appendFile(file, line("run1-b", 2) + line("run2-a", 3));
    await reading;
    expect(got).toEqual(["run1-a", "run1-b"]);
  });

  it("tail with follow gives the last lines then new ones", async () => {
    await writeFile(file, line("1", 1) + line("2", 2) + line("3", 3));
    const ac = new AbortController();
    const got: string[] = [];
    const reading = (async () => {
      for await (const e of readLogs(file, { follow: true, tail: 1, signal: ac.signal, pollMs: 10 })) {
        got.push(e.log.trim());
        if (got.length === 2) ac.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 30));
    await appendFile(file, line("4", 4));
    await reading;
    expect(got).toEqual(["3", "4"]);
  });
});
