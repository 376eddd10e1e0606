import type { CommandRunner } from "../../network/index.ts";
import type { SpawnPool } from "../../common/spawn/spawn-pool.ts";
import type { RunFn } from "../containers/runc.ts";
import type { MountRun } from "../containers/mounter.ts";

// The engine's process seams, bound to one spawn pool: runc, mount/umount and every network
// command start on worker threads instead of blocking the engine's thread while they exec.

export function poolCommandRunner(pool: SpawnPool): CommandRunner {
  return {
    run: (file, args, options = {}) =>
      pool.run(
        { file, args, input: options.input ?? "", ...(options.env !== undefined ? { env: options.env } : {}) },
        options.signal,
      ),
  };
}

export function poolRunFn(pool: SpawnPool): RunFn {
  return (file, args) => pool.run({ file, args });
}

export function poolMountRun(pool: SpawnPool): MountRun {
  return (file, args, cwd) => pool.run({ file, args, ...(cwd !== undefined ? { cwd } : {}) });
}
