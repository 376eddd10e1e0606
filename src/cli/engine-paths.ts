import { join } from "node:path";

export const DEFAULT_STATE_ROOT = "/var/lib/tstack";
export const DEFAULT_RUN_ROOT = "/run/tstack";

/** Where the CLI finds (or puts) tstack's engine: roots, socket, pid file and log. */
export interface DaemonPaths {
  readonly stateRoot: string;
  readonly runRoot: string;
  readonly socket: string;
  readonly pidFile: string;
  readonly logFile: string;
}

/**
 * From the environment: TSTACK_STATE_ROOT, TSTACK_RUN_ROOT, TSTACK_SOCKET and TSTACK_ENGINE_LOG
 * override the defaults (tests run engines on temp roots side by side). The log goes to
 * /var/log/tstack-engine.log for the default engine, next to the socket for any other.
 */
export function daemonPathsOf(env: Readonly<Record<string, string | undefined>>): DaemonPaths {
  const stateRoot = nonEmpty(env["TSTACK_STATE_ROOT"]) ?? DEFAULT_STATE_ROOT;
  const runRoot = nonEmpty(env["TSTACK_RUN_ROOT"]) ?? DEFAULT_RUN_ROOT;
  return {
    stateRoot,
    runRoot,
    socket: nonEmpty(env["TSTACK_SOCKET"]) ?? join(runRoot, "engine.sock"),
    pidFile: join(runRoot, "engine.pid"),
    logFile: nonEmpty(env["TSTACK_ENGINE_LOG"]) ?? (runRoot === DEFAULT_RUN_ROOT ? "/var/log/tstack-engine.log" : join(runRoot, "engine.log")),
  };
}

const nonEmpty = (v: string | undefined) => (v === undefined || v === "" ? undefined : v);
