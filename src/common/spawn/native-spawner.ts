// The client of tstack-spawn (native/spawn/, docs/spawn.md): one small helper process, started
// once, starts every program with posix_spawn and mounts with mount(2). node's own spawn forks
// the whole engine (its page tables copied and torn down for each program), which on a
// paravirtualised VM was the biggest CPU cost of `down`; the helper's posix_spawn copies nothing.
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import type { Socket } from "node:net";
import { constants } from "node:os";
import { unavailable } from "../errors.ts";
import { MountError } from "./mount-error.ts";
import { MNT_DETACH, mountCalls, type MountCall, type MountSpec } from "./mount-options.ts";
import { runWith, SpawnFailure, type ProcessRunner } from "./process-runner.ts";
import { createFrameReader, decodeAnswer, encodeRequest, PROTOCOL_VERSION, type NativeAnswer, type NativeRequest } from "./spawn-frames.ts";
import { spawnPiped } from "./spawn-piped.ts";
import type { SpawnRequest, SpawnResult } from "./spawn-protocol.ts";

export { nativeSpawnerBinaryPath } from "./native-spawner-binary.ts";
export { isNotMounted, MountError } from "./mount-error.ts";

export interface UntilLineResult {
  /** The first stdout line, without its '\n'; absent when the program ended before one. */
  readonly line?: string;
  readonly pid: number;
  /** stderr up to the line (or the end). */
  readonly stderr: string;
  /** How the program ended, when it ended before printing a line. */
  readonly exit?: SpawnResult;
}

/**
 * Programs and mounts through one tstack-spawn helper: the engine's ProcessRunner when it is
 * built (`pipe` alone spawns on this thread, see spawn-piped.ts). The helper is unref'd while
 * idle (it never keeps this process alive) and ref'd while a request is in flight. If it dies,
 * the requests in flight reject with SpawnFailure and the next request starts a new one.
 * `close()` ends it; programs still running are left alone.
 */
export interface NativeSpawner extends ProcessRunner, AsyncDisposable {
  /**
   * Starts a program and resolves at its first stdout line; the program keeps running (in its
   * own session with `detached`) and is no longer watched. Aborting kills it if no line came
   * yet, which then resolves with `exit` (SIGKILL).
   */
  runUntilLine(request: SpawnRequest & { readonly detached?: boolean }, signal?: AbortSignal): Promise<UntilLineResult>;
  /** mount(8)-style; rejects with MountError naming the target and the errno. */
  mount(m: MountSpec): Promise<void>;
  /**
   * umount2(2), lazily with `detach`. Rejects with MountError; a target that is no mount point
   * (EINVAL) or does not exist (ENOENT) is one that `isNotMounted(err)` recognises.
   */
  umount(target: string, opts?: { readonly detach?: boolean }): Promise<void>;
  /** The helper's pid while one runs (diagnostics, tests). */
  readonly helperPid: number | undefined;
  close(): Promise<void>;
}

export interface NativeSpawnerOptions {
  /** See nativeSpawnerBinaryPath(). */
  readonly binary: string;
  readonly spawn?: (file: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
}

const DEFAULT_MAX_BUFFER = 64 * 1024 * 1024;
const STDERR_TAIL = 4096;

interface Pending {
  answer(a: NativeAnswer): void;
  fail(err: Error): void;
}

interface Helper {
  readonly child: ChildProcess;
  readonly pending: Map<number, Pending>;
  /** Settles at the helper's HELLO, or rejects when it cannot start. */
  readonly ready: Promise<void>;
  stderrTail: string;
  dead: boolean;
}

const signalNames = new Map(Object.entries(constants.signals as Record<string, number>).map(([name, n]) => [n, name]));

export async function startNativeSpawner(opts: NativeSpawnerOptions): Promise<NativeSpawner> {
  const spawnHelper = opts.spawn ?? ((file, args, o) => nodeSpawn(file, [...args], o));
  let helper: Helper | undefined;
  let closed = false;
  let nextId = 1;

  function setRef(h: Helper, on: boolean): void {
    const handles = [h.child, h.child.stdout as Socket | null, h.child.stdin as Socket | null];
    for (const x of handles) if (x) on ? x.ref() : x.unref();
  }

  function launch(): Helper {
    const child = spawnHelper(opts.binary, [], { stdio: ["pipe", "pipe", "pipe"] });
    let readyResolve!: () => void;
    let readyReject!: (e: Error) => void;
    const ready = new Promise<void>((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    ready.catch(() => undefined); // only startNativeSpawner awaits it
    const h: Helper = { child, pending: new Map(), ready, stderrTail: "", dead: false };
    const die = (err: Error) => {
      if (h.dead) return;
      h.dead = true;
      if (helper === h) helper = undefined;
      readyReject(err);
      const pending = [...h.pending.values()];
      h.pending.clear();
      setRef(h, false);
      for (const p of pending) p.fail(err);
    };
    const reader = createFrameReader();
    child.stdout?.on("data", (chunk: Buffer) => {
      try {
        for (const payload of reader.push(chunk)) {
          const a = decodeAnswer(payload);
          if (a.type === "hello") {
            if (a.version === PROTOCOL_VERSION) {
              readyResolve();
              if (h.pending.size === 0) setRef(h, false);
            } else {
              die(new SpawnFailure(`${opts.binary} speaks protocol ${a.version}, not ${PROTOCOL_VERSION}: rebuild it (make -C native)`));
              child.kill("SIGKILL");
            }
            continue;
          }
          const p = h.pending.get(a.id);
          if (!p) continue;
          h.pending.delete(a.id);
          if (h.pending.size === 0) setRef(h, false);
          p.answer(a);
        }
      } catch (err) {
        die(new SpawnFailure(`tstack-spawn answered garbage: ${(err as Error).message}`));
        child.kill("SIGKILL");
      }
    });
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (s: string) => {
      h.stderrTail = (h.stderrTail + s).slice(-STDERR_TAIL);
    });
    (child.stderr as Socket | null)?.unref();
    child.stdin?.on("error", () => undefined); // a dead helper: reported by "close" below
    child.on("error", (err) => die(new SpawnFailure(`cannot run ${opts.binary} (built by \`make -C native\`): ${err.message}`, (err as NodeJS.ErrnoException).code)));
    child.on("close", (code, sig) => {
      const why = closed ? "the native spawner is closed" : `tstack-spawn exited (${sig ?? `status ${code}`})`;
      die(new SpawnFailure(h.stderrTail.trim() ? `${why}: ${h.stderrTail.trim()}` : why));
    });
    // Held until its HELLO: someone is waiting for the start (or will send at once).
    setRef(h, true);
    return h;
  }

  // Sends one request and routes its answer; returns the helper and id for a cancel.
  function send(build: (id: number) => NativeRequest, pending: Pending): { h: Helper; id: number } {
    const id = nextId;
    nextId = nextId >= 0xffffffff ? 1 : nextId + 1;
    const frame = encodeRequest(build(id)); // may throw (too long): before anything is held
    const h = (helper ??= launch());
    h.pending.set(id, pending);
    if (h.pending.size === 1) setRef(h, true);
    h.child.stdin?.write(frame);
    return { h, id };
  }

  function cancel(h: Helper, id: number): void {
    if (!h.dead && h.pending.has(id)) h.child.stdin?.write(encodeRequest({ type: "cancel", id }));
  }

  function runFrame(req: SpawnRequest, untilLine: boolean, detached: boolean) {
    const input = req.input === undefined ? new Uint8Array(0) : typeof req.input === "string" ? Buffer.from(req.input, "utf8") : req.input;
    return (id: number): NativeRequest => ({
      type: "run",
      id,
      file: req.file,
      argv: [req.file, ...req.args],
      ...(req.env !== undefined ? { env: Object.entries(req.env).map(([k, v]) => `${k}=${v}`) } : {}),
      ...(req.cwd !== undefined ? { cwd: req.cwd } : {}),
      input,
      maxBytes: Math.min(req.maxBuffer ?? DEFAULT_MAX_BUFFER, Number.MAX_SAFE_INTEGER),
      merge: req.mergeOutput === true,
      detached,
      untilLine,
    });
  }

  // One run, answered by `settle`; an abort sends a cancel (the run then answers, killed).
  function request<T>(build: (id: number) => NativeRequest, settle: (a: NativeAnswer) => T, signal?: AbortSignal): Promise<T> {
    if (closed) return Promise.reject(new SpawnFailure("the native spawner is closed"));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      let sent: { h: Helper; id: number } | undefined;
      const onAbort = () => sent && cancel(sent.h, sent.id);
      const done = () => signal?.removeEventListener("abort", onAbort);
      try {
        sent = send(build, {
          answer(a) {
            done();
            try {
              resolve(settle(a));
            } catch (err) {
              reject(err);
            }
          },
          fail(err) {
            done();
            reject(err);
          },
        });
      } catch (err) {
        reject(err);
        return;
      }
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  function mountCall(call: MountCall): Promise<void> {
    return request(
      (id) => ({ type: "mount", id, ...call }),
      (a) => expectOk(a, call.target),
    );
  }

  helper = launch();
  try {
    await helper.ready;
  } catch (err) {
    throw unavailable(`cannot start the native spawner ${opts.binary}: ${(err as Error).message}`, err);
  }

  const self: NativeSpawner = {
    get helperPid() {
      return helper?.child.pid;
    },
    run: (file, args, o) => runWith((req, signal) => request(runFrame(req, false, false), (a) => toResult(a, req.file), signal), file, args, o),
    pipe: spawnPiped,
    runUntilLine(req, signal) {
      return request(
        runFrame(req, true, req.detached === true),
        (a): UntilLineResult => {
          if (a.type === "line") return { line: a.line.toString("utf8"), pid: a.pid, stderr: a.stderr.toString("utf8") };
          const exit = toResult(a, req.file);
          return { pid: a.type === "done" ? a.pid : 0, stderr: exit.stderr, exit };
        },
        signal,
      );
    },
    async mount(m) {
      const calls = mountCalls(m);
      for (const [i, call] of calls.entries()) {
        try {
          await mountCall(call);
        } catch (err) {
          // A later step (read-only remount, propagation) failed: leave nothing half-done.
          if (i > 0) await self.umount(m.target, { detach: true }).catch(() => undefined);
          throw err;
        }
      }
    },
    umount(target, o) {
      return request(
        (id) => ({ type: "umount", id, target, flags: o?.detach === true ? MNT_DETACH : 0 }),
        (a) => expectOk(a, target),
      );
    },
    async close() {
      closed = true;
      const h = helper;
      if (!h) return;
      if (h.dead) return;
      const gone = new Promise<void>((res) => h.child.once("close", () => res()));
      setRef(h, true); // wait for it even when nothing else keeps this process alive
      (h.child.stderr as Socket | null)?.ref();
      h.child.stdin?.end(); // the helper exits at EOF
      await gone;
    },
    [Symbol.asyncDispose]() {
      return self.close();
    },
  };
  return self;
}

function toResult(a: NativeAnswer, file: string): SpawnResult {
  switch (a.type) {
    case "done": {
      const signal = a.signal !== 0 ? (signalNames.get(a.signal) ?? `SIG${a.signal}`) : undefined;
      return {
        exitCode: a.signal !== 0 ? 128 + a.signal : a.exitCode,
        ...(signal !== undefined ? { signal } : {}),
        stdout: a.stdout.toString("utf8"),
        stderr: a.stderr.toString("utf8"),
      };
    }
    case "failed":
      throw new SpawnFailure(a.message, a.code);
    case "line":
    case "ok":
    case "hello":
      throw new SpawnFailure(`tstack-spawn answered ${a.type} to a run of ${file}`);
    default:
      return unreachable(a);
  }
}

function expectOk(a: NativeAnswer, target: string): void {
  switch (a.type) {
    case "ok":
      return;
    case "failed":
      throw new MountError(`${a.message} (${a.code})`, a.code, target);
    case "done":
    case "line":
    case "hello":
      throw new SpawnFailure(`tstack-spawn answered ${a.type} to a mount of ${target}`);
    default:
      return unreachable(a);
  }
}

function unreachable(x: never): never {
  throw new SpawnFailure(`unexpected answer ${JSON.stringify(x)}`);
}
