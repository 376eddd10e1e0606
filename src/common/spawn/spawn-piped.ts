import { spawn } from "node:child_process";
import { constants } from "node:os";
import { ProcessExitError, SpawnFailure, type PipedProcess } from "./process-runner.ts";

const STDERR_KEEP = 64 * 1024;

/**
 * ProcessRunner.pipe for every runner: node's spawn on this thread, as neither tstack-spawn nor a
 * worker can hand back live streams. Only streaming decompression (zstd, once per such layer)
 * uses it, so the exec wait on this thread is rare. `done` rejects with SpawnFailure when the
 * program cannot start, ProcessExitError (with its stderr) on a failed exit, or the abort reason.
 */
export function spawnPiped(file: string, args: readonly string[], options: { readonly signal?: AbortSignal } = {}): PipedProcess {
  options.signal?.throwIfAborted();
  const child = spawn(file, [...args], {
    stdio: ["pipe", "pipe", "pipe"],
    ...(options.signal !== undefined ? { signal: options.signal, killSignal: "SIGKILL" as const } : {}),
  });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (s: string) => {
    if (stderr.length < STDERR_KEEP) stderr += s;
  });
  const done = new Promise<void>((resolve, reject) => {
    let failed: Error | undefined;
    child.on("error", (e: NodeJS.ErrnoException) => {
      if (e.name === "AbortError") return; // reported through the close below
      failed ??= new SpawnFailure(`${file}: ${e.message}`, e.code);
    });
    child.on("close", (code, sig) => {
      if (failed) return reject(failed);
      if (options.signal?.aborted) return reject(options.signal.reason);
      if (code === 0) return resolve();
      const signalNumber = sig !== null ? ((constants.signals as Record<string, number>)[sig] ?? 0) : 0;
      const exitCode = code ?? 128 + signalNumber;
      reject(new ProcessExitError(file, args, { exitCode, ...(sig !== null ? { signal: sig } : {}), stdout: "", stderr, timedOut: false }));
    });
  });
  // Observed through `done`; avoid an unhandled rejection when nobody awaits it yet.
  done.catch(() => {});
  return { stdin: child.stdin, stdout: child.stdout, done };
}
