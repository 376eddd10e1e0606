import { invalidArgument } from "../../common/errors.ts";
import type { Mount, NamespaceMode, Propagation } from "./create-options.ts";
import type { OciMount, OciRootfsPropagation } from "./oci-types.ts";
import { cleanContainerPath, pathDepth } from "./paths.ts";

export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;
/** Where the init binary appears in the container (Docker's path, so tools that look for it find it). */
export const INIT_PATH_IN_CONTAINER = "/sbin/docker-init";

/** Host paths of the per-container files the engine writes; each is bind-mounted when given. */
export interface ContainerFiles {
  readonly hosts?: string;
  readonly resolvConf?: string;
  readonly hostname?: string;
}

export interface MountsInput {
  readonly mounts: readonly Mount[];
  readonly files: ContainerFiles;
  readonly shmSize?: number;
  readonly readonlyRootfs: boolean;
  readonly privileged: boolean;
  readonly ipc: NamespaceMode;
  /** Host path of the init binary, when init runs. */
  readonly init?: string;
}

export interface MountsResult {
  readonly mounts: readonly OciMount[];
  readonly rootfsPropagation?: OciRootfsPropagation;
  /** Container directories that must exist: targets of tmpfs and volume mounts. */
  readonly mkdirs: readonly string[];
}

// Docker's layout: its default mounts first (minus any a user mount replaces; all of /dev/*
// when the user mounts /dev), then the user's and the engine's per-container mounts sorted
// parents-first so that a mount never hides one made before it.
export function buildMounts(input: MountsInput): MountsResult {
  const user = userMounts(input);
  const userTargets = new Set(user.map((m) => m.destination));
  const replacesDev = userTargets.has("/dev");
  const defaults = defaultMounts(input).filter(
    (m) => !userTargets.has(m.destination) && !(replacesDev && m.destination.startsWith("/dev/")),
  );
  const sorted = [...user].sort((a, b) => pathDepth(a.destination) - pathDepth(b.destination));

  const shared = input.mounts.some(
    (m) => m.type === "bind" && (m.propagation === "shared" || m.propagation === "rshared"),
  );
  const mkdirs = input.mounts
    .filter((m) => m.type !== "bind")
    .map((m) => cleanContainerPath(m.target, "mount target"));
  return {
    mounts: [...defaults, ...sorted],
    // A shared bind only propagates if the container's root is shared too (as Docker);
    // otherwise runc's default (rslave) is right for private and slave binds alike.
    ...(shared ? { rootfsPropagation: "shared" as const } : {}),
    mkdirs,
  };
}

function defaultMounts(input: MountsInput): OciMount[] {
  const sysOptions = input.privileged ? ["nosuid", "noexec", "nodev"] : ["ro", "nosuid", "noexec", "nodev"];
  const mounts: OciMount[] = [
    { destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"] },
    { destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"] },
    {
      destination: "/dev/pts",
      type: "devpts",
      source: "devpts",
      options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
    },
    { destination: "/sys", type: "sysfs", source: "sysfs", options: sysOptions },
    { destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: sysOptions },
    { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
  ];
  // With the host's IPC namespace the host's /dev/shm comes along (a user mount, below).
  if (input.ipc.kind !== "host") {
    const size = input.shmSize ?? DEFAULT_SHM_SIZE;
    if (!Number.isSafeInteger(size) || size <= 0) {
      throw invalidArgument(`shm size must be a positive number of bytes, got ${size}`);
    }
    mounts.push({
      destination: "/dev/shm",
      type: "tmpfs",
      source: "shm",
      options: ["nosuid", "noexec", "nodev", "mode=1777", `size=${size}`],
    });
  }
  if (input.init !== undefined) {
    if (!input.init.startsWith("/")) {
      throw invalidArgument(`init binary path ${JSON.stringify(input.init)} must be absolute`);
    }
    mounts.push({ destination: INIT_PATH_IN_CONTAINER, type: "bind", source: input.init, options: ["bind", "ro"] });
  }
  return mounts;
}

function userMounts(input: MountsInput): OciMount[] {
  const out: OciMount[] = [];
  const seen = new Set<string>();
  for (const m of input.mounts) {
    const mount = toOciMount(m);
    if (mount.destination === "/") throw invalidArgument("cannot mount over the container's root (/)");
    if (seen.has(mount.destination)) throw invalidArgument(`duplicate mount point: ${mount.destination}`);
    seen.add(mount.destination);
    out.push(mount);
  }
  // The engine's files give way to a user mount on the same path, as in Docker.
  const fileMode = input.readonlyRootfs ? ["rbind", "ro", "rprivate"] : ["rbind", "rprivate"];
  const files: [string, string | undefined][] = [
    ["/etc/resolv.conf", input.files.resolvConf],
    ["/etc/hostname", input.files.hostname],
    ["/etc/hosts", input.files.hosts],
  ];
  for (const [destination, source] of files) {
    if (source === undefined || seen.has(destination)) continue;
    if (!source.startsWith("/")) {
      throw invalidArgument(`host path of ${destination} must be absolute: ${JSON.stringify(source)}`);
    }
    out.push({ destination, type: "bind", source, options: fileMode });
  }
  if (input.ipc.kind === "host" && !seen.has("/dev/shm")) {
    out.push({ destination: "/dev/shm", type: "bind", source: "/dev/shm", options: ["rbind", "rprivate"] });
  }
  return out;
}

function toOciMount(m: Mount): OciMount {
  const destination = cleanContainerPath(m.target, "mount target");
  switch (m.type) {
    case "bind":
      return bindMount(m.source, destination, m.readonly ?? false, m.propagation ?? "rprivate", m.recursive ?? true);
    case "volume":
      return bindMount(m.source, destination, m.readonly ?? false, "rprivate", true);
    case "tmpfs":
      return {
        destination,
        type: "tmpfs",
        source: "tmpfs",
        options: tmpfsOptions(m.size, m.mode, m.options ?? [], destination),
      };
    default: {
      const never: never = m;
      throw invalidArgument(`unknown mount type ${JSON.stringify((never as { type: unknown }).type)}`);
    }
  }
}

function bindMount(
  source: string,
  destination: string,
  readonly: boolean,
  propagation: Propagation,
  recursive: boolean,
): OciMount {
  if (!source.startsWith("/")) {
    throw invalidArgument(`bind source for ${destination} must be an absolute host path: ${JSON.stringify(source)}`);
  }
  const options = [recursive ? "rbind" : "bind", ...(readonly ? ["ro"] : []), propagation];
  return { destination, type: "bind", source, options };
}

const OPPOSITE: Readonly<Record<string, string>> = {
  exec: "noexec", noexec: "exec", suid: "nosuid", nosuid: "suid", dev: "nodev", nodev: "dev", ro: "rw", rw: "ro",
};

// Docker's tmpfs defaults (noexec,nosuid,nodev) with the caller's flags winning over their
// opposites and a key=value option appearing once (the last given).
export function tmpfsOptions(
  size: number | undefined,
  mode: number | undefined,
  extra: readonly string[],
  where: string,
): string[] {
  if (size !== undefined && (!Number.isSafeInteger(size) || size <= 0)) {
    throw invalidArgument(`tmpfs size for ${where} must be a positive number of bytes, got ${size}`);
  }
  if (mode !== undefined && (!Number.isInteger(mode) || mode < 0 || mode > 0o7777)) {
    throw invalidArgument(`tmpfs mode for ${where} must be between 0 and 0o7777, got ${mode}`);
  }
  const flags: string[] = ["noexec", "nosuid", "nodev"];
  const values = new Map<string, string>();
  const all = [
    ...extra,
    ...(mode !== undefined ? [`mode=${mode.toString(8)}`] : []),
    ...(size !== undefined ? [`size=${size}`] : []),
  ];
  for (const raw of all) {
    const opt = raw.trim();
    if (opt === "") continue;
    const eq = opt.indexOf("=");
    if (eq >= 0) {
      const key = opt.slice(0, eq);
      values.delete(key);
      values.set(key, opt);
      continue;
    }
    const opposite = OPPOSITE[opt];
    const at = opposite === undefined ? -1 : flags.indexOf(opposite);
    if (at >= 0) flags.splice(at, 1);
    if (!flags.includes(opt)) flags.push(opt);
  }
  return [...flags, "rprivate", ...values.values()];
}
