import { readFile } from "node:fs/promises";
import { TstackError } from "../../common/errors.ts";
import type { ProcessRunner } from "../../common/spawn/process-runner.ts";

/** A mount to perform, as the snapshotter describes it (containerd's mount.Mount). */
export interface MountDescription {
  readonly type: string;
  readonly source: string;
  readonly options: readonly string[];
  /** Relative lowerdir paths (to fit overlay's one-page option limit) are relative to this. */
  readonly cwd?: string;
}

export interface Mounter {
  mount(m: MountDescription, target: string): Promise<void>;
  /** Lazy-detaches if busy; a target that is not mounted is fine. */
  unmount(target: string): Promise<void>;
  isMounted(target: string): Promise<boolean>;
}

// Node has no mount(2); util-linux's mount does the syscall. A few ms per call. The engine uses
// it only without tstack-spawn (else wiring/native-mounter.ts). Any exit is read here.
export function createMounter(runner: ProcessRunner): Mounter {
  const run = (file: string, args: readonly string[], cwd?: string) => runner.run(file, args, { allowFailure: true, ...(cwd ? { cwd } : {}) });
  return {
    async mount(m, target) {
      const args = ["-t", m.type, ...(m.options.length ? ["-o", m.options.join(",")] : []), m.source, target];
      const r = await run("mount", args, m.cwd);
      if (r.exitCode !== 0) throw new TstackError("Internal", `mounting ${m.type} at ${target}: ${r.stderr.trim()}`);
    },
    async unmount(target) {
      const r = await run("umount", [target]);
      if (r.exitCode === 0 || /not mounted|no mount point|not found/i.test(r.stderr)) return;
      const lazy = await run("umount", ["--lazy", target]);
      if (lazy.exitCode !== 0 && !/not mounted/i.test(lazy.stderr)) {
        throw new TstackError("Internal", `unmounting ${target}: ${r.stderr.trim()}`);
      }
    },
    isMounted: async (target) => mountinfoHas(await readFile("/proc/self/mountinfo", "utf8"), target),
  };
}

/** Whether /proc/self/mountinfo's text lists `target` as a mount point (field 5). Pure. */
export function mountinfoHas(mountinfo: string, target: string): boolean {
  return mountinfo.split("\n").some((l) => l.split(" ")[4] === target);
}
