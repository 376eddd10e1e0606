import type { CgroupStats } from "../../runtime/cgroups/cgroup-stats.ts";

// Docker's stats JSON from cgroup stats. Network counters are left out: reading them needs
// entering the container's netns (documented in the API README).

export interface StatsSample {
  readonly at: Date;
  readonly cgroup: CgroupStats;
  /** Host CPU time in ns (/proc/stat). */
  readonly systemCpuNs: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Sum of the `cpu` line's jiffies in /proc/stat, as nanoseconds (what Docker reports). */
export function systemCpuNs(procStat: string): number {
  const line = procStat.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) return 0;
  const jiffies = line.trim().split(/\s+/).slice(1, 8).map(Number).reduce((a, b) => a + b, 0);
  return Math.round((jiffies * 1e9) / TICKS_PER_SECOND);
}

function cpuJson(s: StatsSample | undefined, onlineCpus: number) {
  return {
    cpu_usage: {
      total_usage: s?.cgroup.cpuUsageNs ?? 0,
      ...(s && s.cgroup.perCpuUsageNs.length ? { percpu_usage: s.cgroup.perCpuUsageNs } : {}),
      usage_in_kernelmode: 0,
      usage_in_usermode: 0,
    },
    ...(s ? { system_cpu_usage: s.systemCpuNs } : {}),
    online_cpus: s ? onlineCpus : 0,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
}

export function statsJson(o: { id: string; name: string; cur: StatsSample; prev: StatsSample | undefined; onlineCpus: number; hostMemory: number }) {
  const c = o.cur.cgroup;
  return {
    name: `/${o.name}`,
    id: o.id,
    read: o.cur.at.toISOString(),
    preread: o.prev ? o.prev.at.toISOString() : "0001-01-01T00:00:00Z",
    pids_stats: { current: c.pidsCurrent, ...(c.pidsLimit !== undefined ? { limit: c.pidsLimit } : {}) },
    blkio_stats: {
      io_service_bytes_recursive: c.blkio.map((b) => ({ major: b.major, minor: b.minor, op: b.op, value: b.value })),
      io_serviced_recursive: null,
      io_queue_recursive: null,
      io_service_time_recursive: null,
      io_wait_time_recursive: null,
      io_merged_recursive: null,
      io_time_recursive: null,
      sectors_recursive: null,
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuJson(o.cur, o.onlineCpus),
    precpu_stats: cpuJson(o.prev, o.onlineCpus),
    memory_stats: { usage: c.memoryUsage, limit: c.memoryLimit ?? o.hostMemory, stats: c.memoryStat },
  };
}
