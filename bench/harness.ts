// The benchmark harness: run a subject and its baseline (a floor or a peer) alternately in
// the same run, then report median/min/max and the ratio of medians. Never used in tests.

export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface Figure {
  readonly name: string;
  readonly unit: string;
  readonly runs: number;
  readonly tstack: Stats;
  readonly baseline?: Stats & { readonly name: string };
  readonly ratio?: number;
  readonly note?: string;
}

export function stats(samples: readonly number[]): Stats {
  if (samples.length === 0) throw new Error("no samples");
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]! };
}

export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export interface Side {
  readonly name: string;
  /** Prepares one run outside the timed section (e.g. clears a cache). */
  readonly prepare?: () => Promise<void>;
  readonly run: () => Promise<void>;
}

// Alternating the two sides spreads machine noise over both instead of one.
export async function compare(
  name: string,
  runs: number,
  subject: Side,
  baseline?: Side,
  unit = "ms",
): Promise<Figure> {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    await subject.prepare?.();
    a.push(await timeMs(subject.run));
    if (baseline) {
      await baseline.prepare?.();
      b.push(await timeMs(baseline.run));
    }
  }
  const t = stats(a);
  if (!baseline) return { name, unit, runs, tstack: t };
  const base = stats(b);
  return { name, unit, runs, tstack: t, baseline: { name: baseline.name, ...base }, ratio: t.median / base.median };
}

export function formatFigure(f: Figure, json: boolean): string {
  if (json) return JSON.stringify(f);
  const n = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  let line = `${f.name}: tstack median ${n(f.tstack.median)} ${f.unit} (min ${n(f.tstack.min)}, max ${n(f.tstack.max)}, ${f.runs} runs)`;
  if (f.baseline) {
    line += `; ${f.baseline.name} median ${n(f.baseline.median)} ${f.unit} (min ${n(f.baseline.min)}, max ${n(f.baseline.max)})`;
    line += `; ratio ${f.ratio!.toFixed(2)}`;
  }
  if (f.note) line += ` — ${f.note}`;
  return line;
}
