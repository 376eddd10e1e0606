import { invalidArgument } from "../../common/errors.ts";

// Log timestamps are RFC 3339 with nanoseconds (Docker's json-file "time"); compared as
// bigint nanoseconds since the epoch so ordering and since/until filters are exact.

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

export function parseTimeNs(s: string): bigint {
  const m = RFC3339.exec(s);
  if (!m) throw invalidArgument(`invalid timestamp ${JSON.stringify(s)}`);
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) throw invalidArgument(`invalid timestamp ${JSON.stringify(s)}`);
  const frac = BigInt((m[2] ?? "").padEnd(9, "0"));
  return BigInt(ms) * 1_000_000n + frac;
}

export function formatTimeNs(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const iso = new Date(ms).toISOString().slice(0, 19);
  return `${iso}.${(ns % 1_000_000_000n).toString().padStart(9, "0")}Z`;
}

/**
 * Docker's `since`/`until` accept Unix seconds (with an optional fraction), RFC 3339 times,
 * and relative durations like `10m` or `1h30m` (before `now`).
 */
export function parseSinceUntil(value: string, nowNs: bigint): bigint {
  const v = value.trim();
  if (/^\d+(\.\d{1,9})?$/.test(v)) {
    const [sec, frac = ""] = v.split(".");
    return BigInt(sec!) * 1_000_000_000n + BigInt(frac.padEnd(9, "0"));
  }
  if (/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(v)) return nowNs - durationNs(v);
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return parseTimeNs(`${v}T00:00:00Z`);
  return parseTimeNs(v);
}

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go-style durations: `1h30m`, `500ms`, `2.5s`. */
export function durationNs(v: string): bigint {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of v.matchAll(re)) {
    total += Number(m[1]) * UNIT_NS[m[2]!]!;
    consumed += m[0].length;
  }
  if (consumed !== v.length || consumed === 0) throw invalidArgument(`invalid duration ${JSON.stringify(v)}`);
  return BigInt(Math.round(total));
}
