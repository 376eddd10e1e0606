import { stdcopyFrame, type StdStream } from "../stdcopy.ts";

export const RAW_STREAM = "application/vnd.docker.raw-stream";
export const MULTIPLEXED_STREAM = "application/vnd.docker.multiplexed-stream";

/** A TTY's output is one raw stream; otherwise stdout and stderr are told apart by stdcopy frames. */
export function frameFor(tty: boolean): (stream: StdStream, data: Buffer | string) => Buffer {
  return (stream, data) => (tty ? (typeof data === "string" ? Buffer.from(data) : data) : stdcopyFrame(stream, data));
}

/** Docker's `since`/`until`: unix seconds, possibly fractional ("1700000000.5"), or RFC 3339. */
export function parseTimestampNs(v: string | null): bigint | undefined {
  if (!v || v === "0") return undefined;
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(v);
  if (m) return BigInt(m[1]!) * 1_000_000_000n + BigInt((m[2] ?? "").padEnd(9, "0") || "0");
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n;
}
