import { Buffer } from "node:buffer";
import { invalidArgument } from "../../common/errors.ts";
import { resolveCapabilities } from "./capabilities.ts";
import type { NamespaceMode } from "./create-options.ts";
import { buildDevices } from "./devices.ts";
import { DEFAULT_PATH_ENV, hasEnv, mergeEnv } from "./env.ts";
import { buildMounts, INIT_PATH_IN_CONTAINER } from "./mounts.ts";
import { buildNamespaces, buildSysctls } from "./namespaces.ts";
import type { OciCapabilities, OciLinux, OciProcess, OciSpec } from "./oci-types.ts";
import { OCI_VERSION } from "./oci-types.ts";
import { cleanContainerPath } from "./paths.ts";
import { resolveProcessArgs } from "./process-args.ts";
import { buildResources } from "./resources.ts";
import { buildRlimits } from "./rlimits.ts";
import { parseSignal } from "./signal.ts";
import type { BuiltSpec, SpecInput } from "./spec-input.ts";
import { resolveUser } from "./user.ts";

const PRIVATE: NamespaceMode = { kind: "private" };

/** Docker's masked and read-only /proc and /sys paths; privileged containers get none. */
export const MASKED_PATHS: readonly string[] = [
  "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
  "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
];
export const READONLY_PATHS: readonly string[] = [
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
];

// Builds the OCI config.json for one container from its image and create options, the
// way Docker's daemon would. Pure: everything it needs from the host arrives in `input`.
// No seccomp or AppArmor profile is set yet (runc runs the container without one).
export function buildSpec(input: SpecInput): BuiltSpec {
  const { image, options: o, host } = input;
  if (input.containerId === "") throw invalidArgument("container id must not be empty");
  const warnings: string[] = [];
  const privileged = o.privileged ?? false;
  const tty = o.tty ?? false;
  const pid = o.pid ?? PRIVATE;
  const ipc = o.ipc ?? PRIVATE;
  const network = o.network ?? { kind: "none" };
  const cgroupns = o.cgroupns ?? (host.cgroupVersion === 2 ? "private" : "host");

  const hostname = checkHostname(o.hostname || input.containerId.slice(0, 12));
  const stop = parseSignal(o.stopSignal ?? image.StopSignal ?? "SIGTERM");

  // An init makes sense only as PID 1 of a pid namespace of the container's own.
  const useInit = o.init !== undefined && pid.kind === "private";
  if (o.init !== undefined && !useInit) {
    warnings.push("init is ignored: the container does not have its own pid namespace");
  }
  const command = resolveProcessArgs({
    imageEntrypoint: image.Entrypoint,
    imageCmd: image.Cmd,
    entrypoint: o.entrypoint,
    cmd: o.cmd,
  });
  const args = useInit ? [INIT_PATH_IN_CONTAINER, "--", ...command] : command;

  const user = resolveUser({
    user: o.user || image.User || "",
    passwd: input.rootfsFiles.passwd,
    group: input.rootfsFiles.group,
    groupAdd: o.groupAdd,
  });

  const base = [DEFAULT_PATH_ENV, `HOSTNAME=${hostname}`, ...(tty ? ["TERM=xterm"] : [])];
  let env = mergeEnv(mergeEnv(base, image.Env ?? []), o.env ?? []);
  if (!hasEnv(env, "HOME")) env = [...env, `HOME=${user.home}`];

  const cwd = cleanContainerPath(o.workingDir || image.WorkingDir || "/", "working directory");

  const caps = resolveCapabilities({ privileged, capAdd: o.capAdd, capDrop: o.capDrop, capLastCap: host.capLastCap });
  // As Docker (and execve for a non-root user): only root starts with the capabilities
  // effective; other users keep them in the bounding set for setuid binaries.
  const capabilities: OciCapabilities =
    user.uid === 0 ? { bounding: caps, effective: caps, permitted: caps } : { bounding: caps };

  const rl = buildRlimits(o.ulimits ?? [], input.defaultUlimits ?? [], host.rlimits);
  warnings.push(...rl.warnings);

  const oom = o.oomScoreAdj;
  if (oom !== undefined && (!Number.isInteger(oom) || oom < -1000 || oom > 1000)) {
    throw invalidArgument(`oom score adjustment must be an integer between -1000 and 1000, got ${o.oomScoreAdj}`);
  }

  const proc: OciProcess = {
    terminal: tty,
    user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
    args,
    env,
    cwd,
    capabilities,
    ...(rl.rlimits.length > 0 ? { rlimits: rl.rlimits } : {}),
    ...(o.noNewPrivileges ? { noNewPrivileges: true } : {}),
    ...(o.oomScoreAdj !== undefined ? { oomScoreAdj: o.oomScoreAdj } : {}),
  };

  const mounts = buildMounts({
    mounts: o.mounts ?? [],
    files: input.files ?? {},
    shmSize: o.shmSize,
    readonlyRootfs: o.readonlyRootfs ?? false,
    privileged,
    ipc,
    init: useInit ? o.init : undefined,
  });
  const devices = buildDevices({ privileged, devices: o.devices ?? [], hostDevices: host.devices ?? [] });
  const res = buildResources(o.resources ?? {}, {
    swapAccounting: host.swapAccounting ?? false,
    cpuCount: host.cpuCount,
  });
  warnings.push(...res.warnings);
  const sysctl = buildSysctls({
    sysctls: o.sysctls ?? {},
    domainname: o.domainname,
    ipc,
    network,
    existingSysctls: host.existingSysctls ?? [],
  });

  const linux: OciLinux = {
    namespaces: buildNamespaces({ pid, ipc, network, cgroupns }),
    ...(devices.devices.length > 0 ? { devices: devices.devices } : {}),
    ...(input.cgroupsPath !== undefined ? { cgroupsPath: input.cgroupsPath } : {}),
    resources: { devices: devices.rules, ...res.resources },
    ...(Object.keys(sysctl).length > 0 ? { sysctl } : {}),
    ...(mounts.rootfsPropagation ? { rootfsPropagation: mounts.rootfsPropagation } : {}),
    ...(privileged ? {} : { maskedPaths: MASKED_PATHS, readonlyPaths: READONLY_PATHS }),
  };

  const annotations = o.annotations ?? {};
  const spec: OciSpec = {
    ociVersion: OCI_VERSION,
    process: proc,
    root: { path: input.rootfsPath ?? "rootfs", ...(o.readonlyRootfs ? { readonly: true } : {}) },
    hostname,
    mounts: mounts.mounts,
    linux,
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };

  const mkdirs = [...new Set([...(cwd === "/" ? [] : [cwd]), ...mounts.mkdirs])];
  return { spec, stopSignal: stop.number, stopSignalName: stop.name, mkdirs, warnings };
}

// sethostname(2) takes at most 64 bytes; anything else is left to the user, as Docker does.
function checkHostname(hostname: string): string {
  const bad = /[\s/\x00-\x1f]/.test(hostname) || hostname.startsWith("-");
  if (hostname === "" || Buffer.byteLength(hostname) > 64 || bad) {
    throw invalidArgument(`invalid hostname ${JSON.stringify(hostname)}: 1 to 64 bytes, no whitespace, '/' or leading '-'`);
  }
  return hostname;
}
