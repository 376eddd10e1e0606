import { invalidArgument } from "../../common/errors.ts";
import type { NamespaceMode, NetworkMode } from "./create-options.ts";
import type { OciNamespace, OciNamespaceType } from "./oci-types.ts";

export interface NamespacesInput {
  readonly pid: NamespaceMode;
  readonly ipc: NamespaceMode;
  readonly network: NetworkMode;
  readonly cgroupns: "private" | "host";
}

// mount and uts are always the container's own; a "host" namespace is simply not listed
// (the runtime then stays in its own), a path is joined.
export function buildNamespaces(input: NamespacesInput): readonly OciNamespace[] {
  const out: OciNamespace[] = [];
  const add = (type: OciNamespaceType, mode: NamespaceMode): void => {
    switch (mode.kind) {
      case "private":
        out.push({ type });
        return;
      case "host":
        return;
      case "path":
        out.push({ type, path: namespacePath(mode.path, type) });
        return;
      default: {
        const never: never = mode;
        throw invalidArgument(`unknown ${type} namespace mode ${JSON.stringify(never)}`);
      }
    }
  };
  add("pid", input.pid);
  add("ipc", input.ipc);
  out.push({ type: "uts" }, { type: "mount" });
  const net = input.network;
  switch (net.kind) {
    case "none":
      out.push({ type: "network" });
      break;
    case "host":
      break;
    case "path":
      out.push({ type: "network", path: namespacePath(net.path, "network") });
      break;
    default: {
      const never: never = net;
      throw invalidArgument(`unknown network mode ${JSON.stringify(never)}`);
    }
  }
  if (input.cgroupns === "private") out.push({ type: "cgroup" });
  return out;
}

function namespacePath(path: string, type: string): string {
  if (!path.startsWith("/")) throw invalidArgument(`${type} namespace path must be absolute: ${JSON.stringify(path)}`);
  return path;
}

/** Per-netns sysctls Docker sets in every container with a network namespace of its own. */
export const DEFAULT_NET_SYSCTLS: Readonly<Record<string, string>> = {
  // Unprivileged ICMP echo sockets: ping works without CAP_NET_RAW.
  "net.ipv4.ping_group_range": "0 2147483647",
  // Ports below 1024 without CAP_NET_BIND_SERVICE.
  "net.ipv4.ip_unprivileged_port_start": "0",
};

const IPC_SYSCTLS = new Set([
  "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
  "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
]);

export interface SysctlsInput {
  readonly sysctls: Readonly<Record<string, string>>;
  readonly domainname?: string;
  readonly ipc: NamespaceMode;
  readonly network: NetworkMode;
  /** Which of DEFAULT_NET_SYSCTLS the host kernel has (runc fails on a missing one). */
  readonly existingSysctls: readonly string[];
}

// Only sysctls of namespaces the container owns can be set; anything else would change
// the host (runc refuses it too, but later and less clearly).
export function buildSysctls(input: SysctlsInput): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  const ownNet = input.network.kind === "none" || (input.network.kind === "path" && input.network.shared !== true);
  if (ownNet) {
    for (const [k, v] of Object.entries(DEFAULT_NET_SYSCTLS)) if (input.existingSysctls.includes(k)) out[k] = v;
  }
  // The NIS domain name has no OCI field in 1.0.2; this sysctl is what setdomainname(2) sets.
  if (input.domainname !== undefined && input.domainname !== "") out["kernel.domainname"] = input.domainname;
  for (const [key, value] of Object.entries(input.sysctls)) {
    checkSysctl(key, input);
    out[key] = value;
  }
  return out;
}

function checkSysctl(key: string, input: SysctlsInput): void {
  if (IPC_SYSCTLS.has(key) || key.startsWith("fs.mqueue.")) {
    if (input.ipc.kind === "host") throw invalidArgument(`sysctl ${key} cannot be set with the host's IPC namespace`);
    return;
  }
  if (key.startsWith("net.")) {
    if (input.network.kind === "host") {
      throw invalidArgument(`sysctl ${key} cannot be set with the host's network namespace`);
    }
    return;
  }
  if (key === "kernel.domainname") return;
  if (key === "kernel.hostname") throw invalidArgument("sysctl kernel.hostname cannot be set: use the hostname option");
  throw invalidArgument(`sysctl ${key} is not namespaced: setting it would change the host`);
}
