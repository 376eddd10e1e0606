import { invalidArgument } from "../../common/errors.ts";
import type { RlimitName, Ulimit } from "./create-options.ts";
import type { OciRlimit } from "./oci-types.ts";

/** RLIM_INFINITY as the uint64 the runtime expects. */
export const RLIM_INFINITY = 2n ** 64n - 1n;

const NAMES: ReadonlySet<string> = new Set<RlimitName>([
  "as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue",
  "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack",
]);

/** The engine's own limits by name (`Infinity` = unlimited): what the container may not exceed. */
export type HostRlimits = Readonly<Partial<Record<RlimitName, { readonly soft: number; readonly hard: number }>>>;

export interface RlimitsResult {
  readonly rlimits: readonly OciRlimit[];
  readonly warnings: readonly string[];
}

// Like Docker, a container gets no rlimits of its own unless asked (it inherits the
// engine's), with the daemon-wide defaults merged under the container's by name. Every
// limit is clamped to the engine's hard limit: raising a hard limit needs privileges the
// engine may not have (in a sandbox runc fails "setting rlimit type 7: operation not
// permitted"), and a silent failure to start is worse than a lower limit and a warning.
export function buildRlimits(
  ulimits: readonly Ulimit[],
  defaults: readonly Ulimit[],
  host: HostRlimits,
): RlimitsResult {
  const byName = new Map<string, Ulimit>();
  for (const u of [...defaults, ...ulimits]) {
    validate(u);
    byName.delete(u.name);
    byName.set(u.name, u);
  }
  const warnings: string[] = [];
  const rlimits = [...byName.values()].map((u): OciRlimit => {
    const cap = host[u.name]?.hard ?? Infinity;
    const hard = Math.min(u.hard, cap);
    const soft = Math.min(u.soft, hard);
    if (hard !== u.hard) {
      warnings.push(`ulimit ${u.name}: hard limit ${show(u.hard)} exceeds the engine's own (${show(cap)}); using ${show(hard)}`);
    }
    return { type: `RLIMIT_${u.name.toUpperCase()}`, hard: toUint64(hard), soft: toUint64(soft) };
  });
  return { rlimits, warnings };
}

function validate(u: Ulimit): void {
  if (!NAMES.has(u.name)) throw invalidArgument(`unknown ulimit ${JSON.stringify(u.name)}`);
  for (const v of [u.soft, u.hard]) {
    if (v !== Infinity && (!Number.isSafeInteger(v) || v < 0)) {
      throw invalidArgument(`ulimit ${u.name}: ${v} is not a non-negative integer (use Infinity for unlimited)`);
    }
  }
  if (u.soft > u.hard) {
    throw invalidArgument(`ulimit ${u.name}: soft limit ${show(u.soft)} exceeds hard limit ${show(u.hard)}`);
  }
}

const toUint64 = (n: number): bigint => (n === Infinity ? RLIM_INFINITY : BigInt(n));
const show = (n: number): string => (n === Infinity ? "unlimited" : String(n));
