import { compare, stats, type Figure, type Side } from "./harness.ts";
import { nativeSpawnerBinaryPath, startNativeSpawner } from "../src/common/spawn/native-spawner.ts";
import type { ProcessRunner } from "../src/common/spawn/process-runner.ts";
import { createWorkerRunner } from "../src/common/spawn/worker-runner.ts";

// spawn: 100 runs of /bin/true through the native spawner (tstack-spawn, posix_spawn in a small
// helper) against the worker-thread pool (node's spawn, a fork of this whole process), while
// this process holds ~300 MB of touched memory as the engine does. Sequential and all at once;
// then the CPU time of this process and its children per side (the fork's page-table copy).
const BALLAST_MB = 300;
const PROGRAMS = 100;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export async function* run(opts: { runs?: number; log: (s: string) => void }): AsyncIterable<Figure> {
  const runs = opts.runs ?? 10;
  // Touched, not just reserved: every page is mapped, so a fork has page tables to copy.
  const ballast = Buffer.alloc(BALLAST_MB * 1024 * 1024, 1);
  opts.log(`holding ${ballast.length >> 20} MiB; rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
  const native = await startNativeSpawner({ binary: nativeSpawnerBinaryPath() });
  const pool = createWorkerRunner();
  const cpu = { native: [] as number[], pool: [] as number[] };
  const side = (name: string, runner: ProcessRunner, parallel: boolean, cpuInto?: number[]): Side => ({
    name,
    run: async () => {
      const c0 = cpuMs();
      if (parallel) await Promise.all(Array.from({ length: PROGRAMS }, () => runner.run("/bin/true", [])));
      else for (let i = 0; i < PROGRAMS; i++) await runner.run("/bin/true", []);
      cpuInto?.push(cpuMs() - c0);
    },
  });
  try {
    // Warm both up (worker thread start, helper start, page cache).
    await side("", native, true).run();
    await side("", pool, true).run();
    yield await compare(`spawn-${PROGRAMS}-sequential`, runs, side("native", native, false, cpu.native), side("worker pool", pool, false, cpu.pool));
    yield await compare(`spawn-${PROGRAMS}-parallel`, runs, side("native", native, true), side("worker pool", pool, true));
    const n = stats(cpu.native);
    const p = stats(cpu.pool);
    yield {
      name: `spawn-${PROGRAMS}-sequential-cpu`,
      unit: "ms cpu",
      runs,
      tstack: n,
      baseline: { name: "worker pool", ...p },
      ratio: n.median / p.median,
      note: "user+system CPU of this process (incl. its threads) per 100 programs",
    };
  } finally {
    await native.close();
    await pool.close();
    ballast.fill(0); // keep it alive (and touched) until here
  }
}
