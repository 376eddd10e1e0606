import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { invalidArgument, unavailable } from "../common/errors.ts";
import type { ConnectDeps } from "./engine-connection.ts";

/**
 * Spawns `tstack engine` detached (new session, stdio to the log file) and waits until `ready`
 * answers. Fails early with the log's tail when the engine process exits first.
 */
export async function startEngineInBackground(deps: ConnectDeps, ready: () => Promise<boolean>): Promise<number> {
  const { paths } = deps;
  mkdirSync(dirname(paths.logFile), { recursive: true });
  const fd = openSync(paths.logFile, "a");
  const [cmd, ...args] = deps.selfCommand;
  if (cmd === undefined) throw invalidArgument("no command to start the engine with");
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let child;
  try {
    child = spawn(cmd, [...args, "engine"], {
      detached: true,
      stdio: ["ignore", fd, fd],
      env: { ...deps.env, TSTACK_STATE_ROOT: paths.stateRoot, TSTACK_RUN_ROOT: paths.runRoot, TSTACK_SOCKET: paths.socket },
    });
  } finally {
    closeSync(fd);
  }
  child.on("exit", (code, signal) => (exited = { code, signal }));
  child.on("error", (err) => (exited = { code: null, signal: null, ...{ err } }));
  child.unref();
  const deadline = Date.now() + (deps.startTimeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    if (existsSync(paths.socket) && (await ready())) return child.pid ?? 0;
    if (exited !== undefined) {
      throw unavailable(`the engine exited while starting (${exited.signal ?? `code ${exited.code}`}); its log ${paths.logFile} ends with:\n${tail(paths.logFile, 10)}`);
    }
    await delay(50);
  }
  throw unavailable(`the engine did not answer on ${paths.socket} within ${Math.round((deps.startTimeoutMs ?? 10_000) / 1000)} s; see ${paths.logFile}`);
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
