import { TstackError } from "../../common/errors.ts";
import { nativeSpawnerBinaryPath, startNativeSpawner, type NativeSpawner } from "../../common/spawn/native-spawner.ts";
import type { ProcessRunner } from "../../common/spawn/process-runner.ts";
import { createWorkerRunner } from "../../common/spawn/worker-runner.ts";

/**
 * How the engine starts programs and mounts: through tstack-spawn (native/spawn/, posix_spawn
 * and mount(2) in a small helper process) when it is built, else node's spawn on a worker
 * thread and the mount/umount programs. node's spawn forks the whole engine for every program,
 * which `perf` showed as the largest CPU cost of `down` on a paravirtualised VM.
 */
export interface ProcessBackend {
  /** Every program the engine runs goes through this one runner. */
  readonly runner: ProcessRunner;
  /** Present when tstack-spawn runs: mounts, unmounts and shim starts go through it too. */
  readonly native?: NativeSpawner;
  close(): Promise<void>;
}

export async function openProcessBackend(o: {
  readonly binary?: string;
  readonly log: (level: "warn", msg: string) => void;
  readonly start?: typeof startNativeSpawner;
}): Promise<ProcessBackend> {
  const binary = nativeSpawnerBinaryPath(o.binary);
  try {
    const native = await (o.start ?? startNativeSpawner)({ binary });
    return { runner: native, native, close: () => native.close() };
  } catch (err) {
    if (!(err instanceof TstackError && err.kind === "Unavailable")) throw err;
    o.log("warn", `${err.message}; starting programs with node's spawn instead (run \`make -C native\`)`);
    const runner = createWorkerRunner();
    return { runner, close: () => runner.close() };
  }
}
