import { readFile, rm, rmdir } from "node:fs/promises";
import { join } from "node:path";

// `runc delete` of a container whose processes have all exited does three things: remove the
// container's cgroup directories, run poststop hooks (tstack sets none) and remove its state
// directory. Starting runc for that (a Go program) was the largest CPU cost of `down` here:
// ~40 ms a container. The engine does the same two removals itself when runc's state says
// exactly which directories they are, and leaves anything unusual to runc.

const CGROUP_ROOT = "/sys/fs/cgroup/";

/**
 * The cgroup directories runc recorded for a container (state.json's cgroup_paths), or
 * undefined when this state is not one to release without runc: not runc's format, an
 * Intel RDT group, or a path outside /sys/fs/cgroup. Pure.
 */
export function cgroupDirsToRelease(stateJson: string): readonly string[] | undefined {
  let state: unknown;
  try {
    state = JSON.parse(stateJson);
  } catch {
    return undefined;
  }
  if (typeof state !== "object" || state === null) return undefined;
  const s = state as { cgroup_paths?: unknown; intel_rdt_path?: unknown };
  if (typeof s.intel_rdt_path === "string" && s.intel_rdt_path !== "") return undefined;
  if (typeof s.cgroup_paths !== "object" || s.cgroup_paths === null) return undefined;
  const dirs = Object.values(s.cgroup_paths as Record<string, unknown>);
  if (!dirs.every((d): d is string => typeof d === "string" && d.startsWith(CGROUP_ROOT) && !d.split("/").includes(".."))) return undefined;
  // v1 hierarchies mounted together (cpu,cpuacct) give one path under two names.
  return [...new Set(dirs)];
}

export interface RuncReleaseFs {
  readFile(path: string): Promise<string>;
  /** rmdir(2); rejects with the errno `code`. */
  rmdir(path: string): Promise<void>;
  removeTree(path: string): Promise<void>;
}

const nodeFs: RuncReleaseFs = {
  readFile: (p) => readFile(p, "utf8"),
  rmdir: (p) => rmdir(p),
  removeTree: (p) => rm(p, { recursive: true, force: true }),
};

/**
 * Releases a stopped container's runtime state without runc. Resolves false when it did not
 * (no or unusual state, a cgroup still busy with processes that outlived init — e.g. with the
 * host's pid namespace): the caller then runs `runc delete --force`, which kills them.
 */
export async function releaseStoppedRunc(runtimeRoot: string, id: string, fs: RuncReleaseFs = nodeFs): Promise<boolean> {
  const stateDir = join(runtimeRoot, id);
  let text: string;
  try {
    text = await fs.readFile(join(stateDir, "state.json"));
  } catch {
    return false;
  }
  const dirs = cgroupDirsToRelease(text);
  if (dirs === undefined) return false;
  const results = await Promise.allSettled(dirs.map((d) => fs.rmdir(d)));
  const kept = results.some((r) => r.status === "rejected" && (r.reason as { code?: string }).code !== "ENOENT");
  if (kept) return false;
  await fs.removeTree(stateDir);
  return true;
}
