import { invalidArgument } from "../../common/errors.ts";

/** One line of a container's output, attributed. */
export interface LogLine {
  readonly service: string;
  /** "web-1": the service and replica number, as compose prefixes lines. */
  readonly label: string;
  readonly stream: "stdout" | "stderr";
  readonly text: string;
}

// compose's rotation: cyan, yellow, green, magenta, blue, then the bright variants.
const PALETTE = ["36", "33", "32", "35", "34", "96", "93", "92", "95", "94"] as const;

/** The colour code of the n-th service (services sorted by name). */
export function colorFor(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length] as string;
}

export interface PrefixStyle {
  readonly prefix: boolean;
  readonly color?: string;
  /** Pad labels to this width so the bars line up. */
  readonly width: number;
}

/** `web-1  | hello`, coloured prefix when asked. Pure. */
export function formatLogLine(line: LogLine, style: PrefixStyle): string {
  if (!style.prefix) return line.text;
  const head = `${line.label.padEnd(style.width)} | `;
  return `${style.color !== undefined ? `\x1b[${style.color}m${head}\x1b[0m` : head}${line.text}`;
}

/**
 * `--since`/`--until` values as the engine API takes them (unix seconds): RFC 3339 timestamps,
 * unix seconds, or durations relative to now ("10m", "1h30m", "45s").
 */
export function timeArg(value: string, nowMs: number): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const rel = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (rel !== null && value !== "") {
    const secs = Number(rel[1] ?? 0) * 3600 + Number(rel[2] ?? 0) * 60 + Number(rel[3] ?? 0);
    return Math.floor(nowMs / 1000) - secs;
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw invalidArgument(`invalid time ${JSON.stringify(value)}: use RFC 3339, unix seconds or a duration like 10m`);
  return Math.floor(t / 1000);
}
