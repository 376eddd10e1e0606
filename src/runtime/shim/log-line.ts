import { dataLoss } from "../../common/errors.ts";

// One record of Docker's json-file log as tstack-shim writes it:
// {"log":"text\n","stream":"stdout","time":"2026-11-25T09:00:00.123456789Z"}
// A record whose log does not end in "\n" is a piece of a longer line (split at 16 KiB)
// or the unterminated last output of the stream.
export type LogStream = "stdout" | "stderr";

export interface LogLine {
  readonly stream: LogStream;
  readonly time: string;
  readonly log: string;
}

export function parseLogLine(line: string): LogLine {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    throw dataLoss(`log record is not JSON: ${JSON.stringify(line.slice(0, 200))}`, err);
  }
  if (typeof v !== "object" || v === null) throw dataLoss("log record is not an object");
  const r = v as Record<string, unknown>;
  if (typeof r.log !== "string" || (r.stream !== "stdout" && r.stream !== "stderr") || typeof r.time !== "string") {
    throw dataLoss(`malformed log record: ${line.slice(0, 200)}`);
  }
  return { stream: r.stream, time: r.time, log: r.log };
}

// The inverse, for writers other than the shim (tests, engine-side notices). JSON.stringify
// escapes less than Docker (it leaves <>& alone); both parse to the same record.
export function formatLogLine(entry: LogLine): string {
  return JSON.stringify({ log: entry.log, stream: entry.stream, time: entry.time }) + "\n";
}
