import { isAbsolute } from "node:path";
import { invalidArgument } from "../../common/errors.ts";

// How the engine asks for a shim (docs/shim.md, "Invocation"). All paths must be absolute:
// the shim changes into its state dir.
interface ShimCommonOptions {
  readonly binary: string; // see shimBinaryPath()
  readonly id: string; // runc container id
  readonly runtime: string; // e.g. /usr/sbin/runc
  readonly runtimeRoot: string; // runc --root
  // Private to this shim (attach.sock, pid, runc.log live here); an exec needs its own.
  // Keep it short: clients connect to <stateDir>/attach.sock, limited to 107 bytes.
  readonly stateDir: string;
  readonly exitFile: string;
  readonly tty?: boolean;
  readonly stdin?: boolean;
}

export interface ShimCreateOptions extends ShimCommonOptions {
  readonly mode: "create";
  readonly bundle: string;
  readonly logPath: string;
  readonly logMaxSize?: number; // bytes; unlimited when absent
  readonly logMaxFiles?: number; // FILE plus FILE.1 … FILE.<n-1>; default 1
  /** Start the container too (`runc start`) before reporting ready. */
  readonly start?: boolean;
}

export interface ShimExecOptions extends ShimCommonOptions {
  readonly mode: "exec";
  readonly execId: string;
  readonly processFile: string; // OCI process JSON (terminal: true for a TTY exec)
  readonly logPath?: string;
  // The exec runs at once: its output waits in the pipe until the first attach client
  // connects or this many ms pass (then it goes to the log, if any, and is dropped otherwise).
  readonly waitAttachMs?: number;
}

export type ShimStartOptions = ShimCreateOptions | ShimExecOptions;

function absolute(name: string, p: string): string {
  if (!isAbsolute(p)) throw invalidArgument(`shim ${name} must be an absolute path: ${p}`);
  return p;
}

function count(name: string, n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw invalidArgument(`shim ${name} must be a non-negative integer: ${n}`);
  return String(n);
}

export function shimArgs(o: ShimStartOptions): string[] {
  if (o.id === "") throw invalidArgument("shim needs a container id");
  const args: string[] = [o.mode, "--id", o.id];
  switch (o.mode) {
    case "create":
      args.push("--bundle", absolute("bundle", o.bundle));
      break;
    case "exec":
      if (o.execId === "") throw invalidArgument("shim exec needs an exec id");
      args.push("--exec-id", o.execId, "--process", absolute("process file", o.processFile));
      break;
    default: {
      const never: never = o;
      throw invalidArgument(`unknown shim mode ${JSON.stringify(never)}`);
    }
  }
  args.push(
    "--runtime",
    absolute("runtime", o.runtime),
    "--runtime-root",
    absolute("runtime root", o.runtimeRoot),
    "--state-dir",
    absolute("state dir", o.stateDir),
    "--exit-file",
    absolute("exit file", o.exitFile),
  );
  if (o.logPath !== undefined) args.push("--log-path", absolute("log path", o.logPath));
  if (o.mode === "create") {
    if (o.logMaxSize !== undefined) args.push("--log-max-size", count("log max size", o.logMaxSize));
    if (o.logMaxFiles !== undefined) args.push("--log-max-files", count("log max files", o.logMaxFiles));
    if (o.start) args.push("--start");
  } else if (o.waitAttachMs !== undefined) {
    args.push("--wait-attach", count("wait-attach", o.waitAttachMs));
  }
  if (o.tty) args.push("--tty");
  if (o.stdin) args.push("--stdin");
  return args;
}
