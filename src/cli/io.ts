import { setMaxListeners } from "node:events";
import type { Readable, Writable } from "node:stream";

/** A writable terminal-ish stream: a TTY when `isTTY` is true. */
export type OutStream = Writable & { readonly isTTY?: boolean; readonly columns?: number };

/**
 * Everything the CLI takes from the process, injected so commands run in tests without one.
 * The process environment is read here and only here (src/cli), then passed down as data.
 */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly stdin: Readable & { readonly isTTY?: boolean; setRawMode?(raw: boolean): unknown };
  /** Aborts on the first SIGINT/SIGTERM; `interrupts` counts them (a second Ctrl-C kills). */
  readonly interrupt: InterruptSource;
  /** The command that runs this CLI again (for `tstack engine` started in the background). */
  readonly selfCommand: readonly string[];
  readonly now: () => number;
}

export interface InterruptSource {
  readonly signal: AbortSignal;
  /** Called on every interrupt after the first, with how many there were. */
  onRepeat(listener: (count: number) => void): void;
}

/** An interrupt source fed by the process's SIGINT and SIGTERM. */
export function processInterrupts(): InterruptSource {
  const ctl = new AbortController();
  // Every engine call in flight listens to it: 20 services in parallel are far more than 10.
  setMaxListeners(0, ctl.signal);
  const listeners: ((n: number) => void)[] = [];
  let count = 0;
  const on = (sig: NodeJS.Signals) => {
    count++;
    if (count === 1) ctl.abort(Object.assign(new Error(`interrupted (${sig})`), { name: "AbortError", signal: sig }));
    else for (const l of listeners) l(count);
  };
  process.on("SIGINT", on);
  process.on("SIGTERM", on);
  return { signal: ctl.signal, onRepeat: (l) => void listeners.push(l) };
}

/** An interrupt source tests trigger by hand. */
export function manualInterrupts(): InterruptSource & { fire(): void } {
  const ctl = new AbortController();
  // Every engine call in flight listens to it: 20 services in parallel are far more than 10.
  setMaxListeners(0, ctl.signal);
  const listeners: ((n: number) => void)[] = [];
  let count = 0;
  return {
    signal: ctl.signal,
    onRepeat: (l) => void listeners.push(l),
    fire() {
      count++;
      if (count === 1) ctl.abort(Object.assign(new Error("interrupted (SIGINT)"), { name: "AbortError", signal: "SIGINT" }));
      else for (const l of listeners) l(count);
    },
  };
}

export function writeLine(stream: OutStream, line: string): void {
  stream.write(line.endsWith("\n") ? line : `${line}\n`);
}

export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === "string" ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}
