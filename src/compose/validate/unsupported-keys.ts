import { formatPath, type TreePath } from "./input.ts";
import { isObj, objAt } from "./tree-access.ts";

/**
 * Keys tstack accepts (they are valid compose) but does not implement. Each is reported as a
 * warning so a user is never silently surprised; keep this the only list of them.
 * Paths are relative to a service unless they start with "/" (top level).
 */
export const UNSUPPORTED_KEYS: readonly { readonly path: readonly string[]; readonly why: string }[] = [
  { path: ["deploy", "placement"], why: "swarm placement does not apply to a single engine" },
  { path: ["deploy", "update_config"], why: "swarm rolling updates are not implemented" },
  { path: ["deploy", "rollback_config"], why: "swarm rollbacks are not implemented" },
  { path: ["deploy", "endpoint_mode"], why: "swarm endpoint modes are not implemented" },
  { path: ["deploy", "resources", "reservations", "devices"], why: "device reservations are not implemented" },
  { path: ["deploy", "resources", "reservations", "generic_resources"], why: "generic resources are not implemented" },
  { path: ["runtime"], why: "only the engine's configured OCI runtime is used" },
  { path: ["gpus"], why: "GPU access is not implemented" },
  { path: ["device_cgroup_rules"], why: "device cgroup rules are not implemented" },
  { path: ["credential_spec"], why: "credential specs are Windows-only" },
  { path: ["storage_opt"], why: "storage driver options are not implemented" },
  { path: ["isolation"], why: "isolation technologies are Windows-only" },
  { path: ["blkio_config"], why: "block IO limits are not implemented" },
  { path: ["cpu_rt_period"], why: "real-time CPU scheduling is not implemented" },
  { path: ["cpu_rt_runtime"], why: "real-time CPU scheduling is not implemented" },
  { path: ["cpu_count"], why: "cpu_count is Windows-only" },
  { path: ["cpu_percent"], why: "cpu_percent is Windows-only" },
  { path: ["provider"], why: "provider services are not implemented" },
  { path: ["models"], why: "AI models are not implemented" },
  { path: ["pre_start"], why: "pre_start init containers are not implemented" },
  { path: ["use_api_socket"], why: "mounting the engine API socket is not implemented" },
  { path: ["build", "entitlements"], why: "build entitlements are not implemented" },
  { path: ["/", "models"], why: "AI models are not implemented" },
];

export interface UnsupportedKeyOptions {
  /** "linux/amd64" style platform of the engine host; a different `platform:` gets a warning. */
  readonly hostPlatform?: string;
}

/** Warnings ("path: message") for every unsupported key present in the tree. */
export function unsupportedKeyWarnings(tree: Readonly<Record<string, unknown>>, opts: UnsupportedKeyOptions = {}): string[] {
  const warnings: string[] = [];
  for (const { path, why } of UNSUPPORTED_KEYS.filter((k) => k.path[0] === "/")) {
    if (lookup(tree, path.slice(1)) !== undefined) warnings.push(`${formatPath(path.slice(1))}: ${why}; ignored`);
  }
  for (const [name, raw] of Object.entries(objAt(tree.services))) {
    const svc = objAt(raw);
    for (const { path, why } of UNSUPPORTED_KEYS) {
      if (path[0] === "/") continue;
      if (lookup(svc, path) !== undefined) warnings.push(`${formatPath(["services", name, ...path] as TreePath)}: ${why}; ignored`);
    }
    const platform = svc.platform;
    if (typeof platform === "string" && opts.hostPlatform !== undefined && !samePlatform(platform, opts.hostPlatform)) {
      warnings.push(`services.${name}.platform: ${platform} differs from the host platform ${opts.hostPlatform}; emulation is not implemented`);
    }
    if (isObj(svc.deploy) && svc.deploy.mode === "global") {
      warnings.push(`services.${name}.deploy.mode: global mode runs one container on a single engine`);
    }
  }
  return warnings;
}

function lookup(obj: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let node: unknown = obj;
  for (const seg of path) {
    if (!isObj(node)) return undefined;
    node = node[seg];
  }
  return node;
}

// "linux/amd64" matches "linux/amd64/v2"'s OS and architecture; variants are not compared.
function samePlatform(a: string, b: string): boolean {
  const [osA, archA] = a.toLowerCase().split("/");
  const [osB, archB] = b.toLowerCase().split("/");
  return osA === osB && (archA === undefined || archA === archB);
}
