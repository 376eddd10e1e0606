// The one seam through which the engine starts programs: runc, mount/umount, CNI plugins, ip,
// iptables, mknod, getfattr, cp, zstd. Implementations: tstack-spawn (native-spawner.ts), the
// worker-thread pool (worker-runner.ts), this thread (child-process-runner.ts: tests and tools)
// and a fake (testing/fake-process-runner.ts). Each is checked by one conformance suite.
import type { Readable, Writable } from "node:stream";
import type { SpawnRequest, SpawnResult } from "./spawn-protocol.ts";

export interface RunOptions {
  /** Written to the program's stdin, which is then closed (closed at once without input). */
  readonly input?: string | Uint8Array;
  readonly cwd?: string;
  /** Replaces the child's environment entirely (CNI plugins must not inherit stray CNI_* vars). */
  readonly env?: Readonly<Record<string, string>>;
  /** Aborting kills the program (SIGKILL) and rejects the run with the signal's reason. */
  readonly signal?: AbortSignal;
  /** The program is killed (SIGKILL) after this long; the result says `timedOut`. */
  readonly timeoutMs?: number;
  /** stderr collected into stdout in arrival order (`stderr` is then empty): a probe's output. */
  readonly mergeOutput?: boolean;
  /** Output beyond this many bytes per stream kills the program and rejects the run with SpawnFailure ENOBUFS (default 64 MiB). */
  readonly maxBuffer?: number;
  /** Resolve with any exit (the caller reads exitCode); by default a non-zero exit or a timeout rejects with ProcessExitError. */
  readonly allowFailure?: boolean;
}

export interface RunResult {
  /** Exit code, or 128 + the signal's number when a signal ended the program (as a shell reports). */
  readonly exitCode: number;
  readonly signal?: string;
  readonly stdout: string;
  readonly stderr: string;
  /** It outlived `timeoutMs` and was killed. */
  readonly timedOut: boolean;
}

/** A program streaming stdin → stdout; `done` settles when it exits (rejects on a failed exit). */
export interface PipedProcess {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly done: Promise<void>;
}

/**
 * Starts programs. Lifecycle: `run` resolves when the program has exited and its output is
 * collected; it rejects with SpawnFailure when the program cannot start (`code`: ENOENT, EACCES,
 * …) or floods its output (ENOBUFS), with the abort reason when `signal` aborts, and with
 * ProcessExitError on a non-zero exit or a timeout unless `allowFailure`. `pipe` starts a program
 * whose stdin and stdout the caller streams; it is killed when `signal` aborts. Implementations
 * that hold resources (a helper process, worker threads) have their own `close`.
 */
export interface ProcessRunner {
  run(file: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
  pipe(file: string, args: readonly string[], options?: { readonly signal?: AbortSignal }): PipedProcess;
}

/** The program could not run (`code` is the errno name), or broke the output limit (ENOBUFS). */
export class SpawnFailure extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** A run that exited non-zero or timed out; the message names the command and carries its stderr. */
export class ProcessExitError extends Error {
  readonly file: string;
  readonly args: readonly string[];
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  constructor(file: string, args: readonly string[], r: RunResult, timeoutMs?: number) {
    const command = [file, ...args].join(" ");
    super(
      r.timedOut
        ? `${command} timed out after ${timeoutMs ?? "?"} ms`
        : `${command} exited ${r.exitCode}: ${(r.stderr || r.stdout).trim()}`,
    );
    this.file = file;
    this.args = args;
    this.exitCode = r.exitCode;
    this.stdout = r.stdout;
    this.stderr = r.stderr;
    this.timedOut = r.timedOut;
  }
}

/** True when the error says the program does not exist. */
export function isMissingBinary(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  return e?.code === "ENOENT" || e?.cause?.code === "ENOENT";
}

/**
 * What a spawner does underneath: runs one program to completion, any exit a result; rejects
 * with SpawnFailure when it cannot start or floods; an abort kills the program, whose exit then
 * answers.
 */
export type SpawnOnce = (request: SpawnRequest, signal?: AbortSignal) => Promise<SpawnResult>;

/** `run` over a spawner: the options' timeout, abort and exit-status rules, in one place. */
export async function runWith(spawn: SpawnOnce, file: string, args: readonly string[], o: RunOptions = {}): Promise<RunResult> {
  o.signal?.throwIfAborted();
  const timeout = o.timeoutMs !== undefined ? AbortSignal.timeout(o.timeoutMs) : undefined;
  const signal = timeout && o.signal ? AbortSignal.any([o.signal, timeout]) : (timeout ?? o.signal);
  const r = await spawn(
    {
      file,
      args,
      input: o.input ?? "",
      ...(o.env !== undefined ? { env: o.env } : {}),
      ...(o.cwd !== undefined ? { cwd: o.cwd } : {}),
      ...(o.maxBuffer !== undefined ? { maxBuffer: o.maxBuffer } : {}),
      ...(o.mergeOutput === true ? { mergeOutput: true } : {}),
    },
    signal,
  );
  o.signal?.throwIfAborted();
  return checkExit(file, args, { ...r, timedOut: timeout?.aborted === true }, o);
}

/** The exit-status rule of `run`: a failed exit or timeout rejects unless `allowFailure`. */
export function checkExit(file: string, args: readonly string[], r: RunResult, o: RunOptions = {}): RunResult {
  if (o.allowFailure !== true && (r.exitCode !== 0 || r.timedOut)) throw new ProcessExitError(file, args, r, o.timeoutMs);
  return r;
}
