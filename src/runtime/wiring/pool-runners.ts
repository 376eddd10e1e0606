import type { CommandRunner } from "../../network/index.ts";
import { SpawnFailure, type SpawnPool } from "../../common/spawn/spawn-pool.ts";
import { PROBE_OUTPUT_LIMIT, type ProbeRunFn, type RunFn } from "../containers/runc.ts";
import { execaRunner, type ProcessRunner } from "../snapshot/process-runner.ts";
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

// Healthcheck probes: 20 services probing every few seconds spawned `runc exec` on the engine's
// thread and held API answers back by up to 1.5 s; here they start on the pool like the rest.
export function poolProbeRun(pool: SpawnPool): ProbeRunFn {
  return async (file, args, timeoutMs) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const r = await pool.run({ file, args, mergeOutput: true, maxBuffer: 1024 * 1024 }, timeout);
      return { exitCode: r.exitCode, output: r.stdout.slice(0, PROBE_OUTPUT_LIMIT), timedOut: timeout.aborted };
    } catch (err) {
      // A probe that floods its output is a failed probe, as it was with execa's limit.
      if (err instanceof SpawnFailure && err.code === "ENOBUFS") return { exitCode: -1, output: err.message, timedOut: false };
      throw err;
    }
  };
}

// The snapshotter's programs (mknod, mkfifo, setfattr, getfattr, sync) on the pool: a Debian image has a
// handful of device nodes per layer, each a fork of the engine on its thread before. Streaming
// decompression (zstd) keeps execa's pipes.
export function poolProcessRunner(pool: SpawnPool): ProcessRunner {
  const piped = execaRunner();
  return {
    async run(file, args, options = {}) {
      const r = await pool.run(
        {
          file,
          args,
          ...(options.input !== undefined ? { input: options.input } : {}),
          ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
        },
        options.signal,
      );
      if (r.exitCode !== 0) {
        throw Object.assign(new Error(`${file} ${args.join(" ")}: exit ${r.exitCode}: ${r.stderr.trim()}`), { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr });
      }
      return { stdout: r.stdout, stderr: r.stderr };
    },
    pipe: (file, args, options) => piped.pipe(file, args, options),
  };
}
