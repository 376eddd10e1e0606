// What a caller asks for when creating a container: tstack's native shape of what Docker's
// ContainerCreate `Config` + `HostConfig` carry. The Docker API layer translates into this;
// nothing here knows Docker's JSON. Everything is optional: an empty object means
// "run the image as it is, like `docker run IMAGE`".
//
// Conventions: sizes are bytes, `Infinity` means unlimited, paths on the host are absolute
// and already resolved (named volumes → their directories, devices → stat results).

/** How a namespace of the container is obtained. */
export type NamespaceMode =
  | { readonly kind: "private" }
  | { readonly kind: "host" }
  /** Join an existing namespace, e.g. `/proc/<pid>/ns/pid` of another container. */
  | { readonly kind: "path"; readonly path: string };

export type NetworkMode =
  /** A new, empty network namespace (only loopback). */
  | { readonly kind: "none" }
  | { readonly kind: "host" }
  /**
   * Join the namespace at `path`: the netns the engine prepared with CNI, or another
   * container's (`shared: true`; Docker's `container:<id>`), whose per-namespace
   * settings such as default sysctls are then left alone.
   */
  | { readonly kind: "path"; readonly path: string; readonly shared?: boolean };

export type Propagation = "private" | "rprivate" | "shared" | "rshared" | "slave" | "rslave";

export interface BindMount {
  readonly type: "bind";
  /** Absolute host path. */
  readonly source: string;
  readonly target: string;
  readonly readonly?: boolean;
  /** Default "rprivate", as Docker. */
  readonly propagation?: Propagation;
  /** Default true (`rbind`); false mounts only the top directory (Docker's bind-nonrecursive). */
  readonly recursive?: boolean;
}

export interface VolumeMount {
  readonly type: "volume";
  /** The volume's directory on the host, resolved by the caller. */
  readonly source: string;
  readonly target: string;
  readonly readonly?: boolean;
  /** For diagnostics only. */
  readonly name?: string;
}

export interface TmpfsMount {
  readonly type: "tmpfs";
  readonly target: string;
  /** Bytes; absent means the kernel default (half of RAM). */
  readonly size?: number;
  /** Permission bits, e.g. 0o1777. */
  readonly mode?: number;
  /** Extra mount flags (`exec`, `ro`, `uid=1000`, …) overriding the defaults nosuid,nodev,noexec. */
  readonly options?: readonly string[];
}

export type Mount = BindMount | VolumeMount | TmpfsMount;

export type RlimitName =
  | "as" | "core" | "cpu" | "data" | "fsize" | "locks" | "memlock" | "msgqueue"
  | "nice" | "nofile" | "nproc" | "rss" | "rtprio" | "rttime" | "sigpending" | "stack";

export interface Ulimit {
  readonly name: RlimitName;
  /** `Infinity` for unlimited. */
  readonly soft: number;
  readonly hard: number;
}

/** A device node on the host as the caller found it (stat), to appear inside the container. */
export interface HostDevice {
  /** Path on the host, e.g. /dev/fuse. */
  readonly path: string;
  readonly type: "c" | "b" | "p" | "u";
  readonly major: number;
  readonly minor: number;
  /** Permission bits of the node. */
  readonly fileMode: number;
  readonly uid: number;
  readonly gid: number;
}

export interface DeviceMapping {
  readonly device: HostDevice;
  /** Default: the host path. */
  readonly containerPath?: string;
  /** Cgroup access, any of "rwm"; default "rwm". */
  readonly permissions?: string;
}

export interface Resources {
  /** Bytes. */
  readonly memory?: number;
  /** memory + swap in bytes (Docker's MemorySwap); `Infinity` = unlimited swap. */
  readonly memorySwap?: number;
  readonly memoryReservation?: number;
  readonly oomKillDisable?: boolean;
  /** Fractional CPUs, e.g. 1.5 (Docker's --cpus). */
  readonly cpus?: number;
  readonly cpuShares?: number;
  /** e.g. "0-2,4". */
  readonly cpusetCpus?: string;
  readonly cpusetMems?: string;
  /** ≤ 0 or absent: unlimited. */
  readonly pidsLimit?: number;
}

export interface ContainerCreateOptions {
  /** undefined: the image's; `[]` (or `[""]`): none. Setting it discards the image's Cmd. */
  readonly entrypoint?: readonly string[];
  /** undefined or `[]`: the image's Cmd (unless entrypoint was overridden). */
  readonly cmd?: readonly string[];
  /** `KEY=value` applied over the image env by key; a bare `KEY` removes it. */
  readonly env?: readonly string[];
  readonly workingDir?: string;
  /** `name`, `uid`, `uid:gid`, `name:group`, `uid:group`. */
  readonly user?: string;
  /** Extra groups (names from the image's /etc/group, or numeric gids). */
  readonly groupAdd?: readonly string[];
  /** Default: the first 12 characters of the container id. */
  readonly hostname?: string;
  readonly domainname?: string;
  readonly tty?: boolean;
  /** Used by the engine's stdio monitor, not by the spec. */
  readonly openStdin?: boolean;
  /** Host path of a tiny init (tini); when set it runs as PID 1 in a private pid namespace. */
  readonly init?: string;
  readonly privileged?: boolean;
  readonly capAdd?: readonly string[];
  readonly capDrop?: readonly string[];
  readonly readonlyRootfs?: boolean;
  readonly noNewPrivileges?: boolean;
  readonly oomScoreAdj?: number;
  /** /dev/shm size in bytes; default 64 MiB. */
  readonly shmSize?: number;
  readonly mounts?: readonly Mount[];
  readonly sysctls?: Readonly<Record<string, string>>;
  readonly ulimits?: readonly Ulimit[];
  readonly resources?: Resources;
  readonly pid?: NamespaceMode;
  readonly ipc?: NamespaceMode;
  /** Default: private on cgroup v2, host on v1 (as Docker). */
  readonly cgroupns?: "private" | "host";
  /** Default: `{ kind: "none" }`. */
  readonly network?: NetworkMode;
  /** `{ host, ip }` lines for /etc/hosts; see `renderHostsFile`. */
  readonly extraHosts?: readonly ExtraHost[];
  readonly devices?: readonly DeviceMapping[];
  /** Overrides the image's StopSignal. */
  readonly stopSignal?: string;
  /** Passed to the runtime as OCI annotations (not the container's labels: runc reads some). */
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface ExtraHost {
  readonly host: string;
  readonly ip: string;
}
