import { invalidArgument } from "../../common/errors.ts";

export interface Signal {
  readonly number: number;
  /** Canonical name with the SIG prefix, e.g. "SIGTERM", "SIGRTMIN+3". */
  readonly name: string;
}

// Linux (x86/arm) numbering; fixed here rather than read from the host so that the
// result is the same wherever the engine is built or tested.
const SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9,
  USR1: 10, SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CLD: 17,
  CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26,
  PROF: 27, WINCH: 28, IO: 29, POLL: 29, PWR: 30, SYS: 31,
};
const ALIASES = new Set(["IOT", "CLD", "POLL"]);
const SIGRTMIN = 34;
const SIGRTMAX = 64;

export const SIGTERM: Signal = { number: 15, name: "SIGTERM" };

/** Parses "SIGTERM", "term", "15", "SIGRTMIN+3", "RTMAX-1" (as Docker's StopSignal accepts). */
export function parseSignal(raw: string | number): Signal {
  const text = String(raw).trim();
  if (/^\d+$/.test(text)) return signalFromNumber(Number(text), text);
  const upper = text.toUpperCase();
  const bare = upper.startsWith("SIG") ? upper.slice(3) : upper;
  const fixed = SIGNALS[bare];
  if (fixed !== undefined) return signalFromNumber(fixed, text);
  const rt = /^RT(MIN|MAX)(?:([+-])(\d+))?$/.exec(bare);
  if (rt) {
    const base = rt[1] === "MIN" ? SIGRTMIN : SIGRTMAX;
    const offset = rt[3] === undefined ? 0 : Number(rt[3]) * (rt[2] === "-" ? -1 : 1);
    return signalFromNumber(base + offset, text);
  }
  throw invalidArgument(`invalid signal: ${JSON.stringify(text)}`);
}

function signalFromNumber(n: number, raw: string): Signal {
  if (!Number.isInteger(n) || n < 1 || n > SIGRTMAX || n === 32 || n === 33) {
    // 32 and 33 are reserved by glibc for its threads.
    throw invalidArgument(`invalid signal: ${JSON.stringify(raw)}`);
  }
  return { number: n, name: signalName(n) };
}

function signalName(n: number): string {
  for (const [name, value] of Object.entries(SIGNALS)) {
    if (value === n && !ALIASES.has(name)) return `SIG${name}`;
  }
  // Real-time signals are named like `kill -l` does: RTMIN+1..RTMIN+15, then RTMAX-14..RTMAX.
  if (n === SIGRTMIN) return "SIGRTMIN";
  if (n === SIGRTMAX) return "SIGRTMAX";
  if (n - SIGRTMIN <= 15) return `SIGRTMIN+${n - SIGRTMIN}`;
  return `SIGRTMAX-${SIGRTMAX - n}`;
}
