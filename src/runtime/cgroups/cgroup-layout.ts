import { join } from "node:path";

// Where a container's cgroup lives, for cgroup v1 (one hierarchy per controller; this
// machine is hybrid: v1 controllers plus an almost empty v2 mount) and v2 (unified).

export type CgroupMode = "v1" | "v2";

export interface CgroupLayout {
  readonly mode: CgroupMode;
  readonly root: string; // /sys/fs/cgroup
}

export interface CgroupFs {
  exists(path: string): Promise<boolean>;
  readFile(path: string): Promise<string>;
}

export async function detectCgroupLayout(fs: CgroupFs, root = "/sys/fs/cgroup"): Promise<CgroupLayout> {
  // A v1 memory hierarchy means v1 (or hybrid): runc then manages the v1 controllers.
  if (await fs.exists(join(root, "memory", "memory.limit_in_bytes"))) return { mode: "v1", root };
  return { mode: "v2", root };
}

/** Directory of `cgroupsPath` (as given to runc) for a controller; v2 ignores the controller. */
export function cgroupDir(layout: CgroupLayout, cgroupsPath: string, controller: string): string {
  const rel = cgroupsPath.replace(/^\/+/, "");
  return layout.mode === "v2" ? join(layout.root, rel) : join(layout.root, controller, rel);
}
