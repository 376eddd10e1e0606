import type { ChildProcess, SpawnOptions } from "node:child_process";
import { TstackError, dataLoss, unavailable } from "../../common/errors.ts";
import { shimArgs, type ShimStartOptions } from "./shim-options.ts";

export type ReadyLine =
  | { readonly kind: "ready"; readonly pid: number; readonly shimPid: number }
  | { readonly kind: "error"; readonly message: string };

// The one line tstack-shim prints on stdout: {"pid":N,"shimPid":M} or {"error":"…"}.
export function parseReadyLine(line: string): ReadyLine {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    throw dataLoss(`tstack-shim printed something that is not JSON: ${JSON.stringify(line.slice(0, 300))}`, err);
  }
  const r = (typeof v === "object" && v !== null ? v : {}) as Record<string, unknown>;
  if (typeof r.error === "string") return { kind: "error", message: r.error };
  if (Number.isSafeInteger(r.pid) && Number.isSafeInteger(r.shimPid) && (r.pid as number) > 0) {
    return { kind: "ready", pid: r.pid as number, shimPid: r.shimPid as number };
  }
  throw dataLoss(`unexpected tstack-shim ready line: ${line.slice(0, 300)}`);
}

// The runtime refused the container or exec (bad config, missing binary, …). runtimeMessage
// is runc's own message, for the API to show as Docker shows it.
export class ShimStartError extends TstackError {
  readonly runtimeMessage: string;
  constructor(what: string, runtimeMessage: string) {
    super("FailedPrecondition", `${what}: ${runtimeMessage}`);
    this.runtimeMessage = runtimeMessage;
  }
}

export type SpawnShim = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export interface StartShimDeps {
  readonly spawn: SpawnShim;
}

export interface ShimStarted {
  readonly pid: number; // the container's (or exec's) process, in the host pid namespace
  readonly shimPid: number;
}

const MAX_READY_LINE = 64 * 1024;

// What both ways of starting a shim report, worded once.
const describe = (o: ShimStartOptions) => (o.mode === "create" ? `create container ${o.id}` : `exec ${o.execId} in ${o.id}`);
const cannotRun = (o: ShimStartOptions, cause: unknown) =>
  unavailable(`cannot run tstack-shim ${o.binary} (built by \`make -C native\`): ${(cause as Error).message}`, cause);
const exitedEarly = (how: string, output: string) => unavailable(`tstack-shim exited (${how}) before reporting: ${output.trim() || "no output"}`);

/** The ready line's meaning: the started pids, or the runtime's refusal as ShimStartError. */
function startedFrom(line: string, o: ShimStartOptions): ShimStarted {
  const ready = parseReadyLine(line);
  if (ready.kind === "error") throw new ShimStartError(describe(o), ready.message);
  return { pid: ready.pid, shimPid: ready.shimPid };
}

// Starts a shim and waits for its ready line. The shim runs in its own session and is unref'd,
// so it outlives this process; it never needs anything from us after the line.
// For "create", the caller then runs `runc start`; an exec is already running.
export function startShim(opts: ShimStartOptions, deps: StartShimDeps, signal?: AbortSignal): Promise<ShimStarted> {
  const args = shimArgs(opts);
  return new Promise<ShimStarted>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const child = deps.spawn(opts.binary, args, { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const { stdout, stderr } = child;
    if (!stdout || !stderr) return reject(unavailable("tstack-shim spawned without stdout/stderr pipes"));
    let out = "";
    let err = "";
    let settled = false;

    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      stdout.destroy();
      stderr.destroy();
      child.unref();
      fn();
    };
    // Aborting stops waiting; the shim itself is left alone (it may already own a container,
    // which the engine's cleanup by state dir finds).
    const onAbort = () => settle(() => reject(signal?.reason));
    signal?.addEventListener("abort", onAbort, { once: true });

    stdout.setEncoding("utf8");
    stderr.setEncoding("utf8");
    stderr.on("data", (s: string) => {
      if (err.length < 4096) err += s;
    });
    stdout.on("data", (s: string) => {
      out += s;
      const nl = out.indexOf("\n");
      if (nl < 0) {
        if (out.length > MAX_READY_LINE) settle(() => reject(dataLoss("tstack-shim ready line too long")));
        return;
      }
      const line = out.slice(0, nl);
      settle(() => {
        try {
          resolve(startedFrom(line, opts));
        } catch (e) {
          reject(e);
        }
      });
    });
    child.on("error", (e) => settle(() => reject(cannotRun(opts, e))));
    child.on("close", (code, sig) => settle(() => reject(exitedEarly(sig ?? `status ${code}`, err.trim() || out))));
  });
}

/** Starts a program detached and answers at its first stdout line (tstack-spawn's runUntilLine). */
export type LaunchUntilLine = (
  request: { readonly file: string; readonly args: readonly string[]; readonly detached: true },
) => Promise<{ readonly line?: string; readonly stderr: string; readonly exit?: { readonly exitCode: number; readonly signal?: string; readonly stdout: string } }>;

/**
 * startShim through a launcher that waits for the ready line itself (tstack-spawn), so that
 * starting a shim costs the engine no fork of its own. Aborting stops waiting and leaves the
 * launch alone, as startShim does: the shim may already own a container.
 */
export async function startShimVia(opts: ShimStartOptions, launch: LaunchUntilLine, signal?: AbortSignal): Promise<ShimStarted> {
  signal?.throwIfAborted();
  const launched = launch({ file: opts.binary, args: shimArgs(opts), detached: true }).catch((e: unknown) => {
    throw cannotRun(opts, e);
  });
  const r = signal ? await raceAbort(launched, signal) : await launched;
  if (r.line === undefined) throw exitedEarly(r.exit?.signal ?? `status ${r.exit?.exitCode ?? "unknown"}`, r.stderr.trim() || (r.exit?.stdout ?? ""));
  if (r.line.length > MAX_READY_LINE) throw dataLoss("tstack-shim ready line too long");
  return startedFrom(r.line, opts);
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
