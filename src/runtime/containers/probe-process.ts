import { RLIM_INFINITY, type OciProcess, type OciSpec } from "../spec/index.ts";

// An exec'd process (docker exec, healthcheck probe) runs like the container's own: same
// env, user, capabilities and rlimits, with its own args and the overrides given here.
export interface ProcessOverrides {
  readonly args: readonly string[];
  readonly env?: readonly string[];
  readonly cwd?: string;
  readonly user?: { readonly uid: number; readonly gid: number; readonly additionalGids?: readonly number[] };
  readonly tty?: boolean;
  readonly privileged?: boolean;
}

export function execProcess(spec: OciSpec, o: ProcessOverrides): OciProcess {
  const base = spec.process;
  const env = [...(base.env ?? [])];
  for (const kv of o.env ?? []) {
    const key = kv.split("=")[0]!;
    const i = env.findIndex((e) => e.split("=")[0] === key);
    if (i >= 0) env[i] = kv;
    else env.push(kv);
  }
  // A privileged exec gets every capability the container may hold (its bounding set).
  const all = base.capabilities?.bounding ?? [];
  return {
    ...base,
    ...(base.rlimits ? { rlimits: base.rlimits.map((r) => ({ ...r, soft: exact(r.soft), hard: exact(r.hard) })) } : {}),
    args: [...o.args],
    env,
    cwd: o.cwd || base.cwd,
    terminal: o.tty ?? false,
    ...(o.user ? { user: { ...base.user, uid: o.user.uid, gid: o.user.gid, ...(o.user.additionalGids ? { additionalGids: [...o.user.additionalGids] } : {}) } } : {}),
    ...(o.privileged ? { capabilities: { bounding: all, effective: all, permitted: all } } : {}),
  };
}

// config.json read back with JSON.parse loses uint64 precision: the only such value a
// spec holds is RLIM_INFINITY, restored exactly so runc accepts it.
function exact(v: number | bigint): bigint {
  if (typeof v === "bigint") return v;
  return v > Number.MAX_SAFE_INTEGER ? RLIM_INFINITY : BigInt(v);
}
