import { readFile } from "node:fs/promises";
import { basename } from "node:path";

// After an engine restart a recorded shim pid may have been reused by an unrelated process;
// /proc/PID/cmdline tells whether it is still the tstack-shim of this container (or exec).
export function isShimCommandLine(cmdline: string, id: string, execId?: string): boolean {
  const argv = cmdline.split("\0").filter((a, i, all) => a !== "" || i < all.length - 1);
  if (basename(argv[0] ?? "") !== "tstack-shim") return false;
  const valueOf = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  if (valueOf("--id") !== id) return false;
  return execId === undefined ? argv[1] === "create" : argv[1] === "exec" && valueOf("--exec-id") === execId;
}

export interface ShimLivenessDeps {
  readonly readFile: (path: string) => Promise<string>;
}

const defaultDeps: ShimLivenessDeps = { readFile: (p) => readFile(p, "utf8") };

export async function isShimAlive(
  shimPid: number,
  id: string,
  execId?: string,
  deps: ShimLivenessDeps = defaultDeps,
): Promise<boolean> {
  if (!Number.isSafeInteger(shimPid) || shimPid <= 0) return false;
  try {
    return isShimCommandLine(await deps.readFile(`/proc/${shimPid}/cmdline`), id, execId);
  } catch {
    return false; // gone (ENOENT/ESRCH), or not ours to read
  }
}
