import { formatFigure, type Figure } from "./harness.ts";

// npm run bench -- NAME [--json] [--runs N]
type BenchModule = { run(opts: { runs?: number; log: (s: string) => void }): AsyncIterable<Figure> };

const BENCHES: Record<string, () => Promise<BenchModule>> = {
  pull: () => import("./pull.bench.ts"),
  start: () => import("./start.bench.ts"),
  net: () => import("./net.bench.ts"),
  up: () => import("./up.bench.ts"),
  api: () => import("./api.bench.ts"),
  spawn: () => import("./spawn.bench.ts"),
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const runsIdx = args.indexOf("--runs");
  const runs = runsIdx >= 0 ? Number(args[runsIdx + 1]) : undefined;
  const names = args.filter((a, i) => !a.startsWith("--") && (runsIdx < 0 || i !== runsIdx + 1));
  if (names.length === 0) {
    console.error(`usage: npm run bench -- NAME [--json] [--runs N]; names: ${Object.keys(BENCHES).join(", ")}`);
    process.exit(2);
  }
  for (const name of names) {
    const load = BENCHES[name];
    if (!load) throw new Error(`unknown benchmark ${name}; known: ${Object.keys(BENCHES).join(", ")}`);
    const mod = await load();
    for await (const fig of mod.run({ ...(runs ? { runs } : {}), log: (s) => console.error(s) })) {
      console.log(formatFigure(fig, json));
    }
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
