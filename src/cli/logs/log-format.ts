import { invalidArgument } from "../../common/errors.ts";
import type { LogConsumer, LogLine } from "../../compose/stack/log-consumer.ts";

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
 * Prints log lines to `out` as compose does: `web-1  | text`, the prefix padded to `width` and,
 * with `color`, coloured by the service's place in `services` (sorted). Exits go to `out` too.
 */
export function logPrinter(out: (line: string) => void, services: readonly string[], style: { readonly prefix: boolean; readonly color: boolean; readonly width: number }): LogConsumer {
  return {
    line: (l) => {
      const i = services.indexOf(l.service);
      out(formatLogLine(l, { prefix: style.prefix, width: style.width, ...(style.color ? { color: colorFor(i < 0 ? services.length : i) } : {}) }));
    },
    exited: (label, code) => out(`${label} exited with code ${code}`),
  };
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
