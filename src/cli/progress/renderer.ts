import type { ProgressEvent, ProgressSink } from "../../compose/execute/index.ts";
import type { ProgressMode } from "../global-options.ts";
import type { OutStream } from "../io.ts";
import { applyEvent, jsonLine, plainLine, renderFrame, type ResourceRow } from "./progress-model.ts";

/**
 * Shows an executor's progress. Lifecycle: feed `sink` while the plan runs, then `close()`
 * once (it draws the final state and stops any timer). Safe to close more than once.
 */
export interface ProgressRenderer {
  readonly sink: ProgressSink;
  close(): void;
}

export interface RendererOptions {
  readonly mode: ProgressMode;
  readonly stream: OutStream;
  readonly color: boolean;
  readonly now: () => number;
  /** Header verb of the TTY display ("Running" for up, "Stopping"…); default Running. */
  readonly verb?: string;
}

export function createProgressRenderer(o: RendererOptions): ProgressRenderer {
  const mode = o.mode === "auto" ? (o.stream.isTTY === true ? "tty" : "plain") : o.mode;
  switch (mode) {
    case "quiet":
      return { sink: () => {}, close: () => {} };
    case "json":
      return { sink: (e) => void o.stream.write(`${jsonLine(e, o.now())}\n`), close: () => {} };
    case "plain":
      return {
        sink: (e) => {
          const l = plainLine(e);
          if (l !== undefined) o.stream.write(`${l}\n`);
        },
        close: () => {},
      };
    case "tty":
      return ttyRenderer(o);
  }
}

// Redraws the whole list in place: cursor up over the previous frame, clear each line, write.
function ttyRenderer(o: RendererOptions): ProgressRenderer {
  let rows: ResourceRow[] = [];
  let drawn = 0;
  let frame = 0;
  let closed = false;
  const draw = () => {
    const lines = renderFrame(rows, o.now(), { color: o.color, frame }, o.verb);
    const width = o.stream.columns ?? 0;
    let out = drawn > 0 ? `\x1b[${drawn}A` : "";
    for (const l of lines) out += `\x1b[2K${width > 0 && visibleLength(l) > width ? truncate(l, width) : l}\n`;
    o.stream.write(out);
    drawn = lines.length;
  };
  const timer = setInterval(() => {
    frame++;
    if (rows.length > 0) draw();
  }, 100);
  timer.unref();
  return {
    sink: (e: ProgressEvent) => {
      if (closed) return;
      rows = applyEvent(rows, e, o.now());
    },
    close: () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      if (rows.length > 0) draw();
    },
  };
}

const ANSI_RE = /\x1b\[[0-9;]*m/g;
const visibleLength = (s: string) => s.replace(ANSI_RE, "").length;
// Cuts plain text; coloured icons sit at the start, so cutting the tail is safe.
const truncate = (s: string, width: number) => {
  let visible = 0;
  let i = 0;
  while (i < s.length && visible < width - 1) {
    const m = /^\x1b\[[0-9;]*m/.exec(s.slice(i));
    if (m) i += m[0].length;
    else {
      i++;
      visible++;
    }
  }
  return `${s.slice(0, i)}\x1b[0m`;
};
