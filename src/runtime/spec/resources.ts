import { invalidArgument } from "../../common/errors.ts";
import type { Resources } from "./create-options.ts";
import type { OciCpu, OciMemory, OciPids, OciResources } from "./oci-types.ts";

/** Docker refuses smaller memory limits: the container would not even start. */
export const MIN_MEMORY = 6 * 1024 * 1024;
/** The CFS period Docker uses to turn --cpus into a quota. */
export const CPU_PERIOD = 100_000;
const MIN_SHARES = 2;
const MAX_SHARES = 262_144;

export interface ResourcesHost {
  /** Whether the memory cgroup accounts swap (v2, or v1 with memory.memsw.*). */
  readonly swapAccounting: boolean;
  readonly cpuCount?: number;
}

export interface ResourcesResult {
  readonly resources: Omit<OciResources, "devices">;
  readonly warnings: readonly string[];
}

// Docker's semantics for --memory, --memory-swap (memory+swap, -1 unlimited, defaulting
// to twice --memory), --memory-reservation, --cpus, --cpu-shares, --cpuset-*, --pids-limit.
export function buildResources(r: Resources, host: ResourcesHost): ResourcesResult {
  const warnings: string[] = [];
  const memory = buildMemory(r, host, warnings);
  const cpu = buildCpu(r, host, warnings);
  const pids: OciPids | undefined =
    r.pidsLimit !== undefined && r.pidsLimit > 0 ? { limit: integer(r.pidsLimit, "pids limit") } : undefined;
  return {
    resources: { ...(memory ? { memory } : {}), ...(cpu ? { cpu } : {}), ...(pids ? { pids } : {}) },
    warnings,
  };
}

function buildMemory(r: Resources, host: ResourcesHost, warnings: string[]): OciMemory | undefined {
  const limit = r.memory === undefined || r.memory === 0 ? undefined : integer(r.memory, "memory limit");
  if (limit !== undefined && limit < MIN_MEMORY) {
    throw invalidArgument(`minimum memory limit allowed is 6MB, got ${limit} bytes`);
  }

  let swap: number | undefined;
  if (r.memorySwap !== undefined && r.memorySwap !== 0) {
    if (limit === undefined) throw invalidArgument("a memory-swap limit needs a memory limit as well");
    swap = r.memorySwap === Infinity || r.memorySwap === -1 ? -1 : integer(r.memorySwap, "memory-swap limit");
    if (swap !== -1 && swap < limit) {
      throw invalidArgument(`memory-swap (${swap}) must be at least the memory limit (${limit}); it counts memory plus swap`);
    }
  } else if (limit !== undefined) {
    swap = limit * 2;
  }
  if (swap !== undefined && !host.swapAccounting) {
    if (r.memorySwap !== undefined && r.memorySwap !== 0) {
      warnings.push("the kernel does not account swap in the memory cgroup: the memory-swap limit is ignored");
    }
    swap = undefined;
  }

  const reservation =
    r.memoryReservation === undefined || r.memoryReservation === 0 ? undefined : integer(r.memoryReservation, "memory reservation");
  if (reservation !== undefined && limit !== undefined && reservation > limit) {
    throw invalidArgument("the memory reservation must be smaller than the memory limit");
  }
  const memory: OciMemory = {
    ...(limit !== undefined ? { limit } : {}),
    ...(reservation !== undefined ? { reservation } : {}),
    ...(swap !== undefined ? { swap } : {}),
    ...(r.oomKillDisable ? { disableOOMKiller: true } : {}),
  };
  if (r.oomKillDisable && limit === undefined) {
    warnings.push("OOM killer disabled without a memory limit: the container can exhaust the host's memory");
  }
  return Object.keys(memory).length > 0 ? memory : undefined;
}

function buildCpu(r: Resources, host: ResourcesHost, warnings: string[]): OciCpu | undefined {
  let quota: number | undefined;
  if (r.cpus !== undefined && r.cpus !== 0) {
    if (!Number.isFinite(r.cpus) || r.cpus < 0.01) throw invalidArgument(`cpus must be at least 0.01, got ${r.cpus}`);
    if (host.cpuCount !== undefined && r.cpus > host.cpuCount) {
      throw invalidArgument(`range of CPUs is from 0.01 to ${host.cpuCount}.00, as there are only ${host.cpuCount} CPUs available`);
    }
    quota = Math.round(r.cpus * CPU_PERIOD);
  }
  let shares: number | undefined;
  if (r.cpuShares !== undefined && r.cpuShares !== 0) {
    shares = integer(r.cpuShares, "cpu shares");
    const clamped = Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
    if (clamped !== shares) warnings.push(`cpu shares ${shares} outside ${MIN_SHARES}-${MAX_SHARES}: using ${clamped}`);
    shares = clamped;
  }
  const cpus = cpuset(r.cpusetCpus, "cpuset cpus");
  const mems = cpuset(r.cpusetMems, "cpuset mems");
  const cpu: OciCpu = {
    ...(shares !== undefined ? { shares } : {}),
    ...(quota !== undefined ? { quota, period: CPU_PERIOD } : {}),
    ...(cpus !== undefined ? { cpus } : {}),
    ...(mems !== undefined ? { mems } : {}),
  };
  return Object.keys(cpu).length > 0 ? cpu : undefined;
}

function cpuset(raw: string | undefined, what: string): string | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = raw.replace(/\s+/g, "");
  if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(value)) {
    throw invalidArgument(`invalid ${what} ${JSON.stringify(raw)}: expected e.g. "0-3" or "0,2"`);
  }
  for (const part of value.split(",")) {
    const [from, to] = part.split("-").map(Number);
    if (from !== undefined && to !== undefined && to < from) {
      throw invalidArgument(`invalid ${what} ${JSON.stringify(raw)}: range ${part} is reversed`);
    }
  }
  return value;
}

function integer(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw invalidArgument(`${what} must be a non-negative integer, got ${n}`);
  return n;
}
