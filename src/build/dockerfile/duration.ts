// Go's time.ParseDuration, which Docker uses for HEALTHCHECK options: "1m30s", "1.5h", "300ms",
// "0". Returns nanoseconds (the unit of the image config's Healthcheck fields).

const UNITS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  "µs": 1e3,
  "μs": 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Throws a plain Error naming the bad text. */
export function parseGoDuration(text: string): number {
  let s = text;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    sign = s.startsWith("-") ? -1 : 1;
    s = s.slice(1);
  }
  if (s === "0") return 0;
  const part = /^(\d*)(?:\.(\d*))?([a-zµμ]+)/;
  let total = 0;
  if (s === "") throw new Error(`invalid duration ${JSON.stringify(text)}`);
  while (s !== "") {
    const m = part.exec(s);
    const whole = m?.[1] ?? "";
    const frac = m?.[2] ?? "";
    const unit = m === null ? undefined : UNITS[m[3] ?? ""];
    if (m === null || (whole === "" && frac === "") || unit === undefined)
      throw new Error(`invalid duration ${JSON.stringify(text)}`);
    total += Number(whole || "0") * unit + (frac === "" ? 0 : Math.round(Number(`0.${frac}`) * unit));
    s = s.slice(m[0].length);
  }
  return sign * total;
}
