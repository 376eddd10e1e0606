import { invalidArgument } from "../../common/errors.ts";
import type { DeviceMapping, HostDevice } from "./create-options.ts";
import type { OciDevice, OciDeviceCgroup } from "./oci-types.ts";
import { cleanContainerPath } from "./paths.ts";

const rwm = (
  type: "c" | "b",
  major: number | undefined,
  minor: number | undefined,
  access = "rwm",
): OciDeviceCgroup => ({
  allow: true,
  type,
  ...(major !== undefined ? { major } : {}),
  ...(minor !== undefined ? { minor } : {}),
  access,
});

// Deny everything, then allow what runc creates in every container (null, zero, full,
// random, urandom, tty, console, ptmx and the pts devices) plus mknod of any node, as
// Docker and runc's own defaults do. runc also appends its defaults; listing them here
// keeps the spec self-explanatory and independent of the runtime's choice.
export const DEFAULT_DEVICE_RULES: readonly OciDeviceCgroup[] = [
  { allow: false, access: "rwm" },
  rwm("c", undefined, undefined, "m"),
  rwm("b", undefined, undefined, "m"),
  rwm("c", 1, 3), // null
  rwm("c", 1, 5), // zero
  rwm("c", 1, 7), // full
  rwm("c", 1, 8), // random
  rwm("c", 1, 9), // urandom
  rwm("c", 5, 0), // tty
  rwm("c", 5, 1), // console
  rwm("c", 5, 2), // ptmx
  rwm("c", 136, undefined), // /dev/pts/*
];

export interface DevicesInput {
  readonly privileged: boolean;
  readonly devices: readonly DeviceMapping[];
  /** The host's device nodes, given to privileged containers (as Docker). */
  readonly hostDevices: readonly HostDevice[];
}

export interface DevicesResult {
  readonly devices: readonly OciDevice[];
  readonly rules: readonly OciDeviceCgroup[];
}

export function buildDevices(input: DevicesInput): DevicesResult {
  if (input.privileged) {
    const mapped = input.devices.map(toOciDevice);
    const mappedPaths = new Set(mapped.map((d) => d.path));
    const host = input.hostDevices.map((d) => toOciDevice({ device: d })).filter((d) => !mappedPaths.has(d.path));
    return { devices: [...host, ...mapped], rules: [{ allow: true, access: "rwm" }] };
  }
  const devices: OciDevice[] = [];
  const rules: OciDeviceCgroup[] = [...DEFAULT_DEVICE_RULES];
  const seen = new Set<string>();
  for (const mapping of input.devices) {
    const dev = toOciDevice(mapping);
    if (seen.has(dev.path)) throw invalidArgument(`device ${dev.path} is mapped twice`);
    seen.add(dev.path);
    devices.push(dev);
    const access = normalizeAccess(mapping.permissions ?? "rwm", dev.path);
    if (dev.type === "c" || dev.type === "b") {
      rules.push({ allow: true, type: dev.type, major: dev.major, minor: dev.minor, access });
    }
  }
  return { devices, rules };
}

function toOciDevice(mapping: DeviceMapping): OciDevice {
  const { device } = mapping;
  const path = cleanContainerPath(mapping.containerPath ?? device.path, "device path");
  if (!path.startsWith("/dev/")) throw invalidArgument(`device path in the container must be under /dev: ${path}`);
  if (device.type === "c" || device.type === "b") {
    if (!Number.isInteger(device.major) || device.major < 0 || !Number.isInteger(device.minor) || device.minor < 0) {
      throw invalidArgument(`device ${device.path} has an invalid major/minor number`);
    }
  }
  return {
    path,
    type: device.type,
    major: device.major,
    minor: device.minor,
    fileMode: device.fileMode & 0o7777,
    uid: device.uid,
    gid: device.gid,
  };
}

function normalizeAccess(raw: string, path: string): string {
  const access = raw.trim().toLowerCase();
  if (access === "" || !/^[rwm]+$/.test(access)) {
    throw invalidArgument(`invalid cgroup permissions ${JSON.stringify(raw)} for device ${path}: use a combination of r, w and m`);
  }
  return ["r", "w", "m"].filter((c) => access.includes(c)).join("");
}
