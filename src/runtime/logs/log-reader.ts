import { open, stat, type FileHandle } from "node:fs/promises";
import { watch } from "node:fs";
import { basename, dirname } from "node:path";
import { parseTimeNs } from "./log-time.ts";
import { parseLogLine, type LogLine } from "../shim/index.ts";

// Reads a container's json-file log (FILE, with rotated FILE.1 … FILE.N, oldest last)
// with Docker's options: tail, since, until, follow. Follow keeps reading across rotation
// and across restarts of the container (the shim appends to the same file).

export type { LogStream } from "../shim/index.ts";

export interface LogEntry extends LogLine {
  readonly timeNs: bigint;
}

export interface ReadLogsOptions {
  readonly tail?: number; // lines from the end; undefined = all
  readonly sinceNs?: bigint;
  readonly untilNs?: bigint;
  readonly follow?: boolean;
  /** While following: true once no more output can come (the container is not running). */
  readonly isDone?: () => boolean | Promise<boolean>;
  /**
   * When done: where the run being followed ended. The last read stops there, so that a quick
   * restart's first lines (already in the file) are left to whoever follows the new run.
   */
  readonly endNs?: () => bigint | undefined;
  readonly signal?: AbortSignal;
  readonly pollMs?: number;
}

// The shim defines the record format; a torn or damaged record (a crash mid-write, a
// hand-edited file) is skipped rather than ending the read.
export function parseLogEntry(line: string): LogEntry | undefined {
  try {
    const l = parseLogLine(line);
    return { ...l, timeNs: parseTimeNs(l.time) };
  } catch {
    return undefined;
  }
}

async function fileOrder(path: string, maxRotated = 100): Promise<string[]> {
  const files: string[] = [];
  for (let i = 1; i <= maxRotated; i++) {
    const p = `${path}.${i}`;
    if (!(await stat(p).then(() => true, () => false))) break;
    files.unshift(p);
  }
  files.push(path);
  return files;
}

// Splits a byte stream into complete lines; keeps a partial last line for the next read.
class LineSplitter {
  private rest = "";
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split("\n");
    this.rest = lines.pop() ?? "";
    return lines;
  }
}

async function* readFrom(fh: FileHandle, position: { pos: number }, splitter: LineSplitter): AsyncGenerator<string> {
  const buf = Buffer.alloc(64 * 1024);
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, position.pos);
    if (bytesRead === 0) return;
    position.pos += bytesRead;
    for (const l of splitter.push(buf.toString("utf8", 0, bytesRead))) yield l;
  }
}

function passes(e: LogEntry, o: ReadLogsOptions): boolean {
  if (o.sinceNs !== undefined && e.timeNs < o.sinceNs) return false;
  if (o.untilNs !== undefined && e.timeNs > o.untilNs) return false;
  return true;
}

export async function* readLogs(path: string, o: ReadLogsOptions = {}): AsyncGenerator<LogEntry> {
  if (o.tail === 0 && !o.follow) return;
  const ring: LogEntry[] = [];
  const useRing = o.tail !== undefined && o.tail >= 0;
  const emit = function* (e: LogEntry): Generator<LogEntry> {
    if (!passes(e, o)) return;
    if (useRing) {
      ring.push(e);
      if (ring.length > o.tail!) ring.shift();
    } else yield e;
  };
  const files = await fileOrder(path);
  let current: { fh: FileHandle; ino: number; pos: { pos: number }; splitter: LineSplitter } | undefined;
  try {
    for (const f of files) {
      const fh = await open(f, "r").catch(() => undefined);
      if (!fh) continue;
      const st = await fh.stat();
      const state = { fh, ino: st.ino, pos: { pos: 0 }, splitter: new LineSplitter() };
      for await (const line of readFrom(fh, state.pos, state.splitter)) {
        const e = parseLogEntry(line);
        if (e) yield* emit(e);
      }
      if (f === path) current = state;
      else await fh.close();
    }
    if (useRing) {
      for (const e of ring) yield e;
      ring.length = 0;
    }
    if (!o.follow) return;
    // From here on every new entry is yielded as it comes.
    const live = { ...o, tail: undefined };
    let wake: (() => void) | undefined;
    const watcher = watchDir(path, () => wake?.());
    try {
      for (;;) {
        if (o.signal?.aborted) return;
        // Known to be done before reading, so this read is the last and gets what was written
        // just before the exit; and nothing after the end of the run belongs to this reader,
        // even if a quick restart already wrote it.
        const done = o.isDone !== undefined && (await o.isDone());
        const end = done ? o.endNs?.() : undefined;
        if (current) {
          for await (const line of readFrom(current.fh, current.pos, current.splitter)) {
            const e = parseLogEntry(line);
            if (e && passes(e, live) && (end === undefined || e.timeNs <= end)) yield e;
          }
        }
        // Rotated or created since: finish the old file above, then move to the new one.
        const st = await stat(path).catch(() => undefined);
        if (st && (!current || st.ino !== current.ino)) {
          await current?.fh.close();
          current = undefined;
          const fh = await open(path, "r").catch(() => undefined);
          if (fh) current = { fh, ino: (await fh.stat()).ino, pos: { pos: 0 }, splitter: new LineSplitter() };
          continue;
        }
        if (done) return;
        if (o.untilNs !== undefined && BigInt(Date.now()) * 1_000_000n > o.untilNs) return;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, o.pollMs ?? 250);
          const done = () => {
            clearTimeout(t);
            resolve();
          };
          wake = done;
          o.signal?.addEventListener("abort", done, { once: true });
        });
        wake = undefined;
      }
    } finally {
      watcher?.close();
    }
  } finally {
    await current?.fh.close();
  }
}

function watchDir(path: string, onChange: () => void): { close(): void } | undefined {
  try {
    const name = basename(path);
    const w = watch(dirname(path), (_ev, file) => {
      if (!file || file.toString().startsWith(name)) onChange();
    });
    w.on("error", () => undefined);
    return w;
  } catch {
    return undefined; // polling alone still works
  }
}
