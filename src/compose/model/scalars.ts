// Conversions for scalar fields that may arrive as strings after interpolation.
// Each returns undefined when the value does not spell what was asked for; callers decide
// whether that is an error.

const TRUE = new Set(["true", "yes", "y", "on", "1", "t"]);
const FALSE = new Set(["false", "no", "n", "off", "0", "f"]);

export function toBool(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v === 1 ? true : v === 0 ? false : undefined;
  if (typeof v !== "string") return undefined;
  const s = v.trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return undefined;
}

export function toInt(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isInteger(v) ? v : undefined;
  if (typeof v !== "string" || !/^\s*[-+]?[0-9]+\s*$/.test(v)) return undefined;
  return Number.parseInt(v.trim(), 10);
}

export function toNumber(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v !== "string" || v.trim() === "") return undefined;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : undefined;
}

const BYTE_UNITS: Readonly<Record<string, number>> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

// Docker's RAMInBytes: binary units, optional "i"/"b" suffixes ("512m", "1.5GiB", "20M").
export function toBytes(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isInteger(v) ? v : undefined;
  if (typeof v !== "string") return undefined;
  const m = /^\s*(-?[0-9]+(?:\.[0-9]+)?)\s*([kmgtp]?)i?b?\s*$/i.exec(v);
  if (!m) return undefined;
  const unit = BYTE_UNITS[(m[2] ?? "").toLowerCase()];
  if (unit === undefined) return undefined;
  return Math.round(Number(m[1]) * unit);
}

const DURATION_UNITS_NS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
  d: 86400e9,
  w: 7 * 86400e9,
};

/**
 * Go-style durations ("1m30s", "1.5h", "250ms", plus compose's "d"/"w") in nanoseconds,
 * which is what the Docker Engine API takes for healthchecks and stop timeouts.
 * Numbers are taken as seconds (compose accepts `stop_grace_period: 10` after interpolation).
 */
export function toDurationNs(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? Math.round(v * 1e9) : undefined;
  if (typeof v !== "string") return undefined;
  let s = v.trim();
  if (s === "0") return 0;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    sign = s.startsWith("-") ? -1 : 1;
    s = s.slice(1);
  }
  if (s === "") return undefined;
  const re = /([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h|d|w)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * (DURATION_UNITS_NS[m[2] ?? ""] ?? Number.NaN);
    consumed = re.lastIndex;
  }
  if (consumed !== s.length || Number.isNaN(total)) return undefined;
  return sign * Math.round(total);
}
