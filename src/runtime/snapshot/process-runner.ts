// The process seam of the snapshot code: mknod, mkfifo, setfattr, getfattr, zstd, sync. Injected so tests
// can record calls and so the engine can route every child process through one place.
import type { Readable, Writable } from "node:stream";
import { execa } from "execa";

export interface RunOptions {
  readonly input?: string | Buffer;
  readonly cwd?: string;
  readonly signal?: AbortSignal;
}

/** A child process streaming stdin → stdout; `done` settles when it exits (rejects on failure). */
export interface PipedProcess {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly done: Promise<void>;
}

export interface ProcessRunner {
  /** Runs to completion; rejects (with `code: "ENOENT"` when the binary is missing) on failure. */
  run(file: string, args: readonly string[], options?: RunOptions): Promise<{ stdout: string; stderr: string }>;
  pipe(file: string, args: readonly string[], options?: { readonly signal?: AbortSignal }): PipedProcess;
}

export function execaRunner(): ProcessRunner {
  return {
    async run(file, args, options = {}) {
      const r = await execa(file, [...args], {
        ...(options.input !== undefined ? { input: options.input } : {}),
        ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
        ...(options.signal !== undefined ? { cancelSignal: options.signal } : {}),
        stripFinalNewline: false,
      });
      return { stdout: String(r.stdout), stderr: String(r.stderr) };
    },
    pipe(file, args, options = {}) {
      const sub = execa(file, [...args], {
        stdin: "pipe",
        stdout: "pipe",
        stderr: "pipe",
        buffer: { stdout: false, stderr: true },
        ...(options.signal !== undefined ? { cancelSignal: options.signal } : {}),
      });
      const done = sub.then(() => undefined);
      // Observed through `done`; avoid an unhandled rejection when nobody awaits it yet.
      done.catch(() => {});
      return { stdin: sub.stdin, stdout: sub.stdout, done };
    },
  };
}

/** True when the error says the program does not exist (execa and node spawn shapes). */
export function isMissingBinary(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  return e?.code === "ENOENT" || e?.cause?.code === "ENOENT";
}
