import { readFile, access } from "node:fs/promises";
import { availableParallelism } from "node:os";
import type { HostFacts, HostRlimits, RlimitName } from "../spec/index.ts";

// What the spec builder must know about this machine, gathered once at engine start.

const LIMIT_NAMES: Record<string, RlimitName> = {
  "Max cpu time": "cpu",
  "Max file size": "fsize",
  "Max data size": "data",
  "Max stack size": "stack",
  "Max core file size": "core",
  "Max resident set": "rss",
  "Max processes": "nproc",
  "Max open files": "nofile",
  "Max locked memory": "memlock",
  "Max address space": "as",
  "Max file locks": "locks",
  "Max pending signals": "sigpending",
  "Max msgqueue size": "msgqueue",
  "Max nice priority": "nice",
  "Max realtime priority": "rtprio",
  "Max realtime timeout": "rttime",
};

/** Parses /proc/self/limits (Node has no getrlimit). */
export function parseProcLimits(text: string): HostRlimits {
  const out: Partial<Record<RlimitName, { soft: number; hard: number }>> = {};
  for (const line of text.split("\n").slice(1)) {
    const m = /^(.+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    if (!m) continue;
    const name = LIMIT_NAMES[m[1]!.trim()];
    if (!name) continue;
    const num = (s: string) => (s === "unlimited" ? Infinity : Number(s));
    out[name] = { soft: num(m[2]!), hard: num(m[3]!) };
  }
  return out;
}

const exists = (p: string) => access(p).then(() => true, () => false);

export async function gatherHostFacts(): Promise<HostFacts> {
  const [limits, v1, memsw, capLast] = await Promise.all([
    readFile("/proc/self/limits", "utf8"),
    exists("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
    exists("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"),
    readFile("/proc/sys/kernel/cap_last_cap", "utf8").catch(() => "40"),
  ]);
  const sysctls = ["net.ipv4.ip_unprivileged_port_start", "net.ipv4.ping_group_range"];
  const existing: string[] = [];
  for (const s of sysctls) if (await exists(`/proc/sys/${s.replaceAll(".", "/")}`)) existing.push(s);
  return {
    rlimits: parseProcLimits(limits),
    cgroupVersion: v1 ? 1 : 2,
    swapAccounting: v1 ? memsw : await exists("/sys/fs/cgroup/memory.swap.max").then(() => true),
    cpuCount: availableParallelism(),
    capLastCap: Number(capLast.trim()),
    existingSysctls: existing,
  };
}
