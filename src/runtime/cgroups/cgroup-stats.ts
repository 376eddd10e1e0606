import { cgroupDir, type CgroupFs, type CgroupLayout } from "./cgroup-layout.ts";

// Resource usage read back from a container's cgroup, in one shape for v1 and v2.

export interface CgroupStats {
  readonly cpuUsageNs: number;
  readonly perCpuUsageNs: readonly number[];
  readonly memoryUsage: number;
  readonly memoryLimit: number | undefined; // undefined = unlimited
  readonly memoryStat: Readonly<Record<string, number>>;
  readonly oomKills: number;
  readonly pidsCurrent: number;
  readonly pidsLimit: number | undefined;
  readonly blkio: readonly { readonly major: number; readonly minor: number; readonly op: string; readonly value: number }[];
}

const UNLIMITED_V1 = 2n ** 62n; // v1 reports "no limit" as a page-rounded huge number

export function parseFlatKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^-?\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

export function parseLimit(text: string, mode: "v1" | "v2"): number | undefined {
  const t = text.trim();
  if (t === "max" || t === "") return undefined;
  const n = BigInt(t);
  if (mode === "v1" && n >= UNLIMITED_V1) return undefined;
  return Number(n);
}

export function parseV1Blkio(text: string): CgroupStats["blkio"] {
  const out: { major: number; minor: number; op: string; value: number }[] = [];
  for (const line of text.split("\n")) {
    const m = /^(\d+):(\d+) (\w+) (\d+)$/.exec(line.trim());
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3]!, value: Number(m[4]) });
  }
  return out;
}

// v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0"
export function parseV2IoStat(text: string): CgroupStats["blkio"] {
  const out: { major: number; minor: number; op: string; value: number }[] = [];
  const ops: Record<string, string> = { rbytes: "Read", wbytes: "Write" };
  for (const line of text.split("\n")) {
    const [dev, ...kvs] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(dev ?? "");
    if (!m) continue;
    for (const kv of kvs) {
      const [k, v] = kv.split("=");
      const op = ops[k ?? ""];
      if (op && v) out.push({ major: Number(m[1]), minor: Number(m[2]), op, value: Number(v) });
    }
  }
  return out;
}

async function readOr(fs: CgroupFs, path: string, fallback = ""): Promise<string> {
  try {
    return await fs.readFile(path);
  } catch {
    return fallback;
  }
}

export async function readCgroupStats(fs: CgroupFs, layout: CgroupLayout, cgroupsPath: string): Promise<CgroupStats> {
  const d = (c: string) => cgroupDir(layout, cgroupsPath, c);
  if (layout.mode === "v1") {
    const [usage, perCpu, memUsage, memLimit, memStat, oom, pidsCur, pidsMax, blkio] = await Promise.all([
      readOr(fs, `${d("cpuacct")}/cpuacct.usage`, "0"),
      readOr(fs, `${d("cpuacct")}/cpuacct.usage_percpu`),
      readOr(fs, `${d("memory")}/memory.usage_in_bytes`, "0"),
      readOr(fs, `${d("memory")}/memory.limit_in_bytes`, "max"),
      readOr(fs, `${d("memory")}/memory.stat`),
      readOr(fs, `${d("memory")}/memory.oom_control`),
      readOr(fs, `${d("pids")}/pids.current`, "0"),
      readOr(fs, `${d("pids")}/pids.max`, "max"),
      readOr(fs, `${d("blkio")}/blkio.throttle.io_service_bytes`),
    ]);
    return {
      cpuUsageNs: Number(usage.trim() || 0),
      perCpuUsageNs: perCpu.trim().split(/\s+/).filter(Boolean).map(Number),
      memoryUsage: Number(memUsage.trim() || 0),
      memoryLimit: parseLimit(memLimit, "v1"),
      memoryStat: parseFlatKeyed(memStat),
      oomKills: parseFlatKeyed(oom)["oom_kill"] ?? 0,
      pidsCurrent: Number(pidsCur.trim() || 0),
      pidsLimit: parseLimit(pidsMax, "v1"),
      blkio: parseV1Blkio(blkio),
    };
  }
  const dir = d("");
  const [cpuStat, memCur, memMax, memStat, memEvents, pidsCur, pidsMax, io] = await Promise.all([
    readOr(fs, `${dir}/cpu.stat`),
    readOr(fs, `${dir}/memory.current`, "0"),
    readOr(fs, `${dir}/memory.max`, "max"),
    readOr(fs, `${dir}/memory.stat`),
    readOr(fs, `${dir}/memory.events`),
    readOr(fs, `${dir}/pids.current`, "0"),
    readOr(fs, `${dir}/pids.max`, "max"),
    readOr(fs, `${dir}/io.stat`),
  ]);
  return {
    cpuUsageNs: (parseFlatKeyed(cpuStat)["usage_usec"] ?? 0) * 1000,
    perCpuUsageNs: [],
    memoryUsage: Number(memCur.trim() || 0),
    memoryLimit: parseLimit(memMax, "v2"),
    memoryStat: parseFlatKeyed(memStat),
    oomKills: parseFlatKeyed(memEvents)["oom_kill"] ?? 0,
    pidsCurrent: Number(pidsCur.trim() || 0),
    pidsLimit: parseLimit(pidsMax, "v2"),
    blkio: parseV2IoStat(io),
  };
}

/** Just the OOM-kill counter (what an exit needs): one file instead of the whole set. */
export async function readOomKills(fs: CgroupFs, layout: CgroupLayout, cgroupsPath: string): Promise<number> {
  const file = layout.mode === "v1" ? `${cgroupDir(layout, cgroupsPath, "memory")}/memory.oom_control` : `${cgroupDir(layout, cgroupsPath, "")}/memory.events`;
  return parseFlatKeyed(await readOr(fs, file))["oom_kill"] ?? 0;
}
