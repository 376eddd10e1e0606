import { INIT_PATH_IN_CONTAINER } from "../spec/index.ts";
import type { ContainerRecord } from "./container-record.ts";

/**
 * What `docker diff` leaves out: what runc and the engine put into the rootfs for every
 * container (Docker hides the same paths in an init layer, so they never show in its diff
 * either), and the container's mount points. Pure.
 */
export function diffIgnoredPaths(rec: ContainerRecord): readonly string[] {
  return [
    "/proc",
    "/sys",
    "/dev",
    "/etc/hosts",
    "/etc/resolv.conf",
    "/etc/hostname",
    ...(rec.config.init ? [INIT_PATH_IN_CONTAINER] : []),
    ...rec.config.mounts.map((m) => m.target),
  ];
}
