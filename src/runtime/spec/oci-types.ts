// The subset of the OCI runtime-spec 1.0.2 `config.json` (Linux) that tstack writes.
// Field names and nesting follow the spec exactly so the object serialises straight to JSON.
// Rlimit values are uint64 in the spec; they are `bigint` here because RLIM_INFINITY
// (2^64-1) has no exact JS number. Serialise with `serializeSpec`, not JSON.stringify.

export const OCI_VERSION = "1.0.2-dev";

export interface OciUser {
  readonly uid: number;
  readonly gid: number;
  readonly additionalGids?: readonly number[];
}

export interface OciCapabilities {
  readonly bounding?: readonly string[];
  readonly effective?: readonly string[];
  readonly inheritable?: readonly string[];
  readonly permitted?: readonly string[];
  readonly ambient?: readonly string[];
}

export interface OciRlimit {
  /** e.g. "RLIMIT_NOFILE" */
  readonly type: string;
  readonly hard: bigint;
  readonly soft: bigint;
}

export interface OciProcess {
  readonly terminal?: boolean;
  readonly user: OciUser;
  readonly args: readonly string[];
  readonly env?: readonly string[];
  readonly cwd: string;
  readonly capabilities?: OciCapabilities;
  readonly rlimits?: readonly OciRlimit[];
  readonly noNewPrivileges?: boolean;
  readonly oomScoreAdj?: number;
}

export interface OciRoot {
  readonly path: string;
  readonly readonly?: boolean;
}

export interface OciMount {
  readonly destination: string;
  readonly type?: string;
  readonly source?: string;
  readonly options?: readonly string[];
}

export type OciNamespaceType = "pid" | "network" | "mount" | "ipc" | "uts" | "user" | "cgroup";

export interface OciNamespace {
  readonly type: OciNamespaceType;
  readonly path?: string;
}

export type OciDeviceType = "c" | "b" | "u" | "p";

export interface OciDevice {
  readonly path: string;
  readonly type: OciDeviceType;
  readonly major: number;
  readonly minor: number;
  readonly fileMode?: number;
  readonly uid?: number;
  readonly gid?: number;
}

export interface OciDeviceCgroup {
  readonly allow: boolean;
  /** "a" (all), "c" or "b"; absent means all. */
  readonly type?: "a" | "c" | "b";
  /** Absent means any (the `*` of the devices cgroup). */
  readonly major?: number;
  readonly minor?: number;
  readonly access?: string;
}

export interface OciMemory {
  readonly limit?: number;
  readonly reservation?: number;
  readonly swap?: number;
  readonly disableOOMKiller?: boolean;
}

export interface OciCpu {
  readonly shares?: number;
  readonly quota?: number;
  readonly period?: number;
  readonly cpus?: string;
  readonly mems?: string;
}

export interface OciPids {
  readonly limit: number;
}

export interface OciResources {
  readonly devices?: readonly OciDeviceCgroup[];
  readonly memory?: OciMemory;
  readonly cpu?: OciCpu;
  readonly pids?: OciPids;
}

export type OciRootfsPropagation = "private" | "rprivate" | "slave" | "rslave" | "shared" | "rshared";

export interface OciLinux {
  readonly namespaces: readonly OciNamespace[];
  readonly devices?: readonly OciDevice[];
  readonly cgroupsPath?: string;
  readonly resources?: OciResources;
  readonly sysctl?: Readonly<Record<string, string>>;
  readonly rootfsPropagation?: OciRootfsPropagation;
  readonly maskedPaths?: readonly string[];
  readonly readonlyPaths?: readonly string[];
}

export interface OciSpec {
  readonly ociVersion: string;
  readonly process: OciProcess;
  readonly root: OciRoot;
  readonly hostname?: string;
  readonly mounts: readonly OciMount[];
  readonly linux: OciLinux;
  readonly annotations?: Readonly<Record<string, string>>;
}
