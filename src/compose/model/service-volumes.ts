import { fail, ok, type ParseResult } from "./parse-result.ts";
import type { ServiceVolumeConfig } from "./types.ts";

const PROPAGATION = new Set(["shared", "rshared", "slave", "rslave", "private", "rprivate"]);
const CONSISTENCY = new Set(["consistent", "cached", "delegated"]);

// A short-syntax source is a host path when it looks like one; otherwise it names a volume.
export function isHostPath(source: string): boolean {
  return source.startsWith("/") || source.startsWith(".") || source.startsWith("~") || /^[A-Za-z]:[\\/]/.test(source);
}

/**
 * Parses `[source:]target[:options]`. Returns the bind source as written (relative paths are
 * resolved by the caller, who knows the project directory).
 */
export function parseVolumeShort(spec: string): ParseResult<ServiceVolumeConfig> {
  const parts = spec.split(":");
  if (parts.length > 3) return fail(`invalid spec: ${spec}: too many colons`);
  if (parts.some((p) => p === "")) return fail(`invalid spec: ${JSON.stringify(spec)}: empty section between colons`);
  if (parts.length === 1) {
    const target = parts[0] ?? "";
    if (!target.startsWith("/")) return fail(`invalid mount target ${JSON.stringify(target)}: must be an absolute path`);
    return ok({ type: "volume", target, read_only: false, volume: { nocopy: false } });
  }
  const source = parts[0] ?? "";
  const target = parts[1] ?? "";
  if (!target.startsWith("/")) return fail(`invalid mount target ${JSON.stringify(target)}: must be an absolute path`);
  let readOnly = false;
  let propagation: string | undefined;
  let selinux: "z" | "Z" | undefined;
  let nocopy = false;
  let consistency: string | undefined;
  for (const opt of parts.length === 3 ? (parts[2] ?? "").split(",") : []) {
    if (opt === "ro") readOnly = true;
    else if (opt === "rw") readOnly = false;
    else if (opt === "z" || opt === "Z") selinux = opt;
    else if (opt === "nocopy") nocopy = true;
    else if (PROPAGATION.has(opt)) propagation = opt;
    else if (CONSISTENCY.has(opt)) consistency = opt;
    else return fail(`invalid spec: ${spec}: unknown option ${JSON.stringify(opt)}`);
  }
  const common = { source, target, read_only: readOnly, ...(consistency ? { consistency } : {}) };
  if (isHostPath(source)) {
    if (nocopy) return fail(`invalid spec: ${spec}: nocopy applies to named volumes only`);
    // The short syntax has always created missing host directories (docker-compose v1 behaviour).
    return ok({
      type: "bind",
      ...common,
      bind: { create_host_path: true, ...(propagation ? { propagation } : {}), ...(selinux ? { selinux } : {}) },
    });
  }
  if (propagation) return fail(`invalid spec: ${spec}: propagation applies to bind mounts only`);
  return ok({ type: "volume", ...common, volume: { nocopy } });
}

// The target path of a service `tmpfs:` entry ("/run:size=64m,mode=1777").
export function tmpfsTarget(entry: string): string {
  const i = entry.indexOf(":");
  return i < 0 ? entry : entry.slice(0, i);
}
