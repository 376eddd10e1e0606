import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { failedPrecondition, unavailable, unimplemented } from "../../common/errors.ts";
import { ExitStatus } from "../cli-errors.ts";
import type { CommandContext } from "../context.ts";
import { createEngineHttp, type EngineHttp } from "../../compose/engine-client/engine-http.ts";
import { pings } from "../engine-connection.ts";
import { startEngineInBackground } from "../engine-start.ts";
import type { Invocation } from "../program.ts";

/** The API server module (src/api), loaded lazily: the CLI works without it. */
interface ApiModule {
  startApiServer(o: { engine: unknown; socketPath: string; log?: LogFn }): Promise<{ close(): Promise<void> | void }>;
}
type LogFn = (level: "debug" | "info" | "warn" | "error", msg: string) => void;

/** One structured log line: `time=… level=info msg="…"`, like dockerd's. Pure. */
export function logLine(time: Date, level: string, msg: string): string {
  return `time="${time.toISOString()}" level=${level} msg=${JSON.stringify(msg)}`;
}

async function loadApi(): Promise<ApiModule> {
  // Loaded only by `tstack engine`: the other commands never pay for the server's modules.
  return (await import("../../api/index.ts")) as ApiModule;
}

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  switch (inv.command) {
    case "engine":
      return foreground(ctx);
    case "engine start":
      return start(ctx);
    case "engine stop":
      return stop(ctx, typeof inv.options["timeout"] === "number" ? inv.options["timeout"] : 30);
    case "engine status":
      return status(ctx);
    default:
      throw unimplemented(`unknown engine command ${inv.command}`);
  }
}

// `tstack engine`: open the engine, serve the API on its socket until SIGTERM/SIGINT, then close
// both gracefully. Containers keep running (their shims own them); the next engine adopts them.
async function foreground(ctx: CommandContext): Promise<void> {
  const { paths } = ctx;
  const debug = ctx.global.debug || ctx.io.env["TSTACK_DEBUG"] === "1";
  const log: LogFn = (level, msg) => {
    if (level === "debug" && !debug) return;
    ctx.err(logLine(new Date(ctx.io.now()), level, msg));
  };
  const api = await loadApi();
  const { openEngine } = await import("../../runtime/engine.ts");
  log("info", `starting engine (state ${paths.stateRoot}, run ${paths.runRoot})`);
  const engine = await openEngine({ stateRoot: paths.stateRoot, runRoot: paths.runRoot, log });
  let server: { close(): Promise<void> | void } | undefined;
  try {
    server = await api.startApiServer({ engine, socketPath: paths.socket, log });
    await mkdir(paths.runRoot, { recursive: true });
    await writeFile(paths.pidFile, `${process.pid}\n`);
    log("info", `engine ready (pid ${process.pid}, socket ${paths.socket})`);
    await new Promise<void>((resolve) => {
      if (ctx.io.interrupt.signal.aborted) resolve();
      ctx.io.interrupt.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    log("info", "shutting down (containers keep running)");
  } finally {
    await server?.close();
    await engine.close();
    await rm(paths.pidFile, { force: true });
  }
  log("info", "engine stopped");
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(file, "utf8")).trim(), 10);
    return Number.isFinite(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

const engineHttp = (ctx: CommandContext): EngineHttp => createEngineHttp({ kind: "unix", socketPath: ctx.paths.socket });

async function start(ctx: CommandContext): Promise<void> {
  const http = engineHttp(ctx);
  if (await pings(http)) {
    ctx.out(`tstack: the engine is already running (pid ${(await readPid(ctx.paths.pidFile)) ?? "?"}, socket ${ctx.paths.socket})`);
    return;
  }
  const pid = await startEngineInBackground({ paths: ctx.paths, selfCommand: ctx.io.selfCommand, env: ctx.io.env, notice: () => {} }, () => pings(http));
  ctx.out(`tstack: started the engine (pid ${pid}, socket ${ctx.paths.socket}, log ${ctx.paths.logFile})`);
}

async function stop(ctx: CommandContext, timeoutSeconds: number): Promise<void> {
  const pid = await readPid(ctx.paths.pidFile);
  if (pid === undefined || !alive(pid)) {
    ctx.out("tstack: the engine is not running");
    return;
  }
  process.kill(pid, "SIGTERM");
  const deadline = ctx.io.now() + timeoutSeconds * 1000;
  while (alive(pid)) {
    if (ctx.io.now() > deadline) throw unavailable(`the engine (pid ${pid}) did not stop within ${timeoutSeconds}s`);
    await delay(50);
  }
  ctx.out(`tstack: stopped the engine (pid ${pid}); containers keep running`);
}

async function status(ctx: CommandContext): Promise<void> {
  const pid = await readPid(ctx.paths.pidFile);
  const http = engineHttp(ctx);
  if (!(await pings(http))) {
    if (pid !== undefined && alive(pid)) throw failedPrecondition(`the engine process ${pid} runs but does not answer on ${ctx.paths.socket}`);
    ctx.out(`engine: stopped (socket ${ctx.paths.socket})`);
    throw new ExitStatus(3);
  }
  const v = (await http.json<{ Version?: string; ApiVersion?: string }>({ method: "GET", path: "/version" })) ?? {};
  ctx.out(`engine: running (pid ${pid ?? "?"}, socket ${ctx.paths.socket}, version ${v.Version ?? "?"}, API ${v.ApiVersion ?? "?"})`);
}
