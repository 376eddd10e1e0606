import type { ContainerCreateOptions, HostDevice, Ulimit } from "./create-options.ts";
import type { ImageConfig } from "./image-config.ts";
import type { ContainerFiles } from "./mounts.ts";
import type { OciSpec } from "./oci-types.ts";
import type { HostRlimits } from "./rlimits.ts";

/**
 * Facts about the machine the engine gathers once (at the edge) and passes in, so that
 * the spec builder stays pure and every host difference is visible in tests.
 */
export interface HostFacts {
  /** The engine's own rlimits (hard limits bound the container's). */
  readonly rlimits: HostRlimits;
  readonly cgroupVersion: 1 | 2;
  /** Memory cgroup accounts swap (cgroup v2, or v1 with memory.memsw.*); default false. */
  readonly swapAccounting?: boolean;
  readonly cpuCount?: number;
  /** /proc/sys/kernel/cap_last_cap. */
  readonly capLastCap?: number;
  /** Which of the default per-netns sysctls exist under /proc/sys on this kernel. */
  readonly existingSysctls?: readonly string[];
  /** The host's device nodes, only needed for privileged containers. */
  readonly devices?: readonly HostDevice[];
}

export interface SpecInput {
  /** Full container id; its first 12 characters are the default hostname. */
  readonly containerId: string;
  readonly image: ImageConfig;
  readonly options: ContainerCreateOptions;
  /** Contents of the image's /etc/passwd and /etc/group (absent when missing), for user resolution. */
  readonly rootfsFiles: { readonly passwd?: string; readonly group?: string };
  readonly host: HostFacts;
  /** `root.path`: relative to the bundle or absolute; default "rootfs". */
  readonly rootfsPath?: string;
  /** Host paths of the per-container /etc/hosts, /etc/resolv.conf, /etc/hostname. */
  readonly files?: ContainerFiles;
  readonly cgroupsPath?: string;
  /** Engine-wide default ulimits (dockerd's --default-ulimit), overridden by the container's. */
  readonly defaultUlimits?: readonly Ulimit[];
}

export interface BuiltSpec {
  readonly spec: OciSpec;
  /** The signal that asks the container to stop (numeric, for kill(2)). */
  readonly stopSignal: number;
  readonly stopSignalName: string;
  /**
   * Directories (container paths) to create in the rootfs before start if missing: the
   * working directory and tmpfs/volume targets. runc creates bind targets itself (files or
   * directories as the source is), so those are not listed.
   */
  readonly mkdirs: readonly string[];
  /** Requests that were adjusted (clamped limits, unsupported swap limit…), for the user to see. */
  readonly warnings: readonly string[];
}
