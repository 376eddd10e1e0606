import { stat } from "node:fs/promises";
import { join } from "node:path";
import { TstackError } from "../../common/errors.ts";
import { SpawnFailure, type ProcessRunner } from "../../common/spawn/process-runner.ts";
import { releaseStoppedRunc } from "./runc-release.ts";

// The OCI runtime's command line (runc; crun takes the same commands). Creation is the
// shim's job (it must be the container's parent); everything else goes through here.

export interface RuntimeState {
  readonly id: string;
  readonly pid: number;
  readonly status: "creating" | "created" | "running" | "paused" | "stopped";
  readonly bundle: string;
}

export interface OciRuntime {
  readonly binary: string;
  readonly root: string;
  start(id: string): Promise<void>;
  kill(id: string, signal: string | number, all?: boolean): Promise<void>;
  delete(id: string, force?: boolean): Promise<void>;
  /**
   * Deletes a container whose init has exited: without starting the runtime when its state
   * allows (runc-release.ts), else `delete --force`.
   */
  deleteStopped(id: string): Promise<void>;
  /** Whether the runtime still keeps state for `id` (a file check, no process). */
  hasState(id: string): Promise<boolean>;
  state(id: string): Promise<RuntimeState | undefined>;
  list(): Promise<readonly RuntimeState[]>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  ps(id: string): Promise<readonly number[]>;
  /**
   * Runs a process (config in `processFile`) in the container to completion within `timeoutMs`,
   * both output streams as one: healthcheck probes. A probe that floods its output is a failed
   * probe (exit -1), never an error of its own.
   */
  run(id: string, processFile: string, timeoutMs: number): Promise<ProbeResult>;
}

// runc prints `time="…" level=error msg="…"`; keep just the message.
export function runtimeMessage(stderr: string): string {
  const lines = stderr.trim().split("\n").filter(Boolean);
  const msgs = lines.map((l) => /msg="((?:[^"\\]|\\.)*)"/.exec(l)?.[1]?.replace(/\\"/g, '"') ?? l);
  return msgs.join("; ") || "unknown error";
}

export interface ProbeResult {
  readonly exitCode: number;
  readonly output: string;
  readonly timedOut: boolean;
}

// Docker keeps the last 4 KiB of a probe's output; more is cut, never a failure of its own.
export const PROBE_OUTPUT_LIMIT = 4096;
// A probe printing more than this is killed and failed.
const PROBE_OUTPUT_MAX = 1024 * 1024;

export function createOciRuntime(opts: { binary?: string; root: string; runner: ProcessRunner }): OciRuntime {
  const binary = opts.binary ?? "runc";
  const { runner } = opts;
  // Any exit is read here: runc's message decides the error's kind.
  const call = async (args: readonly string[], what: string) => {
    const r = await runner.run(binary, ["--root", opts.root, ...args], { allowFailure: true });
    if (r.exitCode !== 0) {
      const msg = runtimeMessage(r.stderr);
      const kind = /does not exist|not exist|container not found/i.test(msg)
        ? "NotFound"
        : /not running|is paused|is not paused|stopped/i.test(msg)
          ? "FailedPrecondition"
          : "Internal";
      throw new TstackError(kind, `${binary} ${what}: ${msg}`);
    }
    return r.stdout;
  };
  return {
    binary,
    root: opts.root,
    start: async (id) => void (await call(["start", id], "start")),
    kill: async (id, signal, all) => void (await call(["kill", ...(all ? ["--all"] : []), id, String(signal)], "kill")),
    delete: async (id, force) => void (await call(["delete", ...(force ? ["--force"] : []), id], "delete")),
    async deleteStopped(id) {
      // crun keeps another state format; it is fast to start anyway.
      if (/(^|\/)runc$/.test(binary) && (await releaseStoppedRunc(opts.root, id))) return;
      await call(["delete", "--force", id], "delete");
    },
    // runc and crun both keep <root>/<id>/ (runc: state.json, crun: status) until delete.
    hasState: (id) => stat(join(opts.root, id)).then(() => true, () => false),
    async state(id) {
      try {
        return JSON.parse(await call(["state", id], "state")) as RuntimeState;
      } catch (err) {
        if (err instanceof TstackError && err.kind === "NotFound") return undefined;
        throw err;
      }
    },
    async list() {
      const out = await call(["list", "--format", "json"], "list");
      return (JSON.parse(out || "null") as RuntimeState[] | null) ?? [];
    },
    pause: async (id) => void (await call(["pause", id], "pause")),
    resume: async (id) => void (await call(["resume", id], "resume")),
    async run(id, processFile, timeoutMs) {
      const args = ["--root", opts.root, "exec", "--process", processFile, id];
      try {
        const r = await runner.run(binary, args, { timeoutMs, mergeOutput: true, maxBuffer: PROBE_OUTPUT_MAX, allowFailure: true });
        return { exitCode: r.exitCode, output: r.stdout.slice(0, PROBE_OUTPUT_LIMIT), timedOut: r.timedOut };
      } catch (err) {
        if (err instanceof SpawnFailure && err.code === "ENOBUFS") return { exitCode: -1, output: err.message, timedOut: false };
        throw err;
      }
    },
    async ps(id) {
      const out = await call(["ps", "--format", "json", id], "ps");
      return (JSON.parse(out || "null") as number[] | null) ?? [];
    },
  };
}
