// Messages between the engine's thread and a spawn worker (spawn-worker.ts).

export interface SpawnRequest {
  readonly file: string;
  readonly args: readonly string[];
  readonly input?: string | Uint8Array;
  /** Replaces the child's environment entirely when given; else the process environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Output beyond this many bytes per stream fails the run (default 64 MiB). */
  readonly maxBuffer?: number;
  /**
   * Collect stderr into stdout, in the order it arrives (a healthcheck's output is both
   * streams as one, as Docker reports it); `stderr` is then empty.
   */
  readonly mergeOutput?: boolean;
}

export interface SpawnResult {
  /** Exit code, or 128 + the signal number when a signal ended it (as a shell reports). */
  readonly exitCode: number;
  readonly signal?: string;
  readonly stdout: string;
  readonly stderr: string;
}

export type ToSpawnWorker =
  | { readonly type: "run"; readonly id: number; readonly request: SpawnRequest }
  | { readonly type: "cancel"; readonly id: number };

export type FromSpawnWorker =
  | { readonly type: "done"; readonly id: number; readonly result: SpawnResult }
  /** The program could not be started (ENOENT, EACCES, …) or broke the output limit. */
  | { readonly type: "failed"; readonly id: number; readonly code?: string; readonly message: string };
