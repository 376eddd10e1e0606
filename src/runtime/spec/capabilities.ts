import { invalidArgument } from "../../common/errors.ts";

/** Docker's default set for unprivileged containers, in Docker's order. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
  "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
];

/** Every capability by number (index = kernel capability number), up to Linux 5.9. */
export const ALL_CAPABILITIES: readonly string[] = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
  "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
  "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
  "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
];

export interface CapabilityInput {
  readonly privileged?: boolean;
  readonly capAdd?: readonly string[];
  readonly capDrop?: readonly string[];
  /** /proc/sys/kernel/cap_last_cap of the host: "ALL" means what this kernel knows. */
  readonly capLastCap?: number;
}

// Docker's TweakCapabilities: privileged gets everything; ALL in capAdd means every
// capability except those dropped; ALL in capDrop means only those added; otherwise the
// defaults minus drops plus adds. Names are case-insensitive, with or without CAP_.
export function resolveCapabilities(input: CapabilityInput): readonly string[] {
  const known =
    input.capLastCap === undefined ? ALL_CAPABILITIES : ALL_CAPABILITIES.slice(0, Math.max(0, input.capLastCap + 1));
  if (input.privileged) return known;
  const adds = (input.capAdd ?? []).map((c) => normalizeCapability(c, "cap_add"));
  const drops = (input.capDrop ?? []).map((c) => normalizeCapability(c, "cap_drop"));
  let caps: readonly string[];
  if (adds.includes("ALL")) {
    caps = known.filter((c) => !drops.includes(c));
  } else if (drops.includes("ALL")) {
    caps = adds;
  } else {
    caps = [...DEFAULT_CAPABILITIES.filter((c) => !drops.includes(c)), ...adds];
  }
  return [...new Set(caps)];
}

export function normalizeCapability(raw: string, where: string): string {
  const upper = raw.trim().toUpperCase();
  if (upper === "ALL") return "ALL";
  const name = upper.startsWith("CAP_") ? upper : `CAP_${upper}`;
  if (!ALL_CAPABILITIES.includes(name)) throw invalidArgument(`unknown capability in ${where}: ${JSON.stringify(raw)}`);
  return name;
}
