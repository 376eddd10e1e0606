import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CommanderError } from "commander";
import { exitCodeOf, formatError } from "./cli-errors.ts";
import { createContext, type CommandContext, type ContextDeps } from "./context.ts";
import { globalOptionsOf, type GlobalOptions, type RawGlobalOptions } from "./global-options.ts";
import { processInterrupts, writeLine, type CliIo } from "./io.ts";
import { buildProgram, invokedCommand, type Invocation } from "./program.ts";

/** A command module: a function of the context and the parsed command line. */
export interface CommandModule {
  run(ctx: CommandContext, inv: Invocation): Promise<void>;
}

// Loaded on demand so that `--version`, `--help` and light commands skip compose and the engine client.
const COMMANDS: Readonly<Record<string, () => Promise<CommandModule>>> = {
  config: () => import("./commands/config.ts"),
  up: () => import("./commands/up.ts"),
  down: () => import("./commands/down.ts"),
  ps: () => import("./commands/ps.ts"),
  logs: () => import("./commands/logs.ts"),
  exec: () => import("./commands/exec.ts"),
  run: () => import("./commands/run.ts"),
  start: () => import("./commands/lifecycle.ts"),
  stop: () => import("./commands/lifecycle.ts"),
  restart: () => import("./commands/lifecycle.ts"),
  kill: () => import("./commands/lifecycle.ts"),
  rm: () => import("./commands/lifecycle.ts"),
  pause: () => import("./commands/lifecycle.ts"),
  unpause: () => import("./commands/lifecycle.ts"),
  pull: () => import("./commands/pull.ts"),
  push: () => import("./commands/push.ts"),
  images: () => import("./commands/images.ts"),
  top: () => import("./commands/top.ts"),
  port: () => import("./commands/port.ts"),
  cp: () => import("./commands/cp.ts"),
  events: () => import("./commands/events.ts"),
  ls: () => import("./commands/ls.ts"),
  wait: () => import("./commands/wait.ts"),
  watch: () => import("./commands/watch.ts"),
  version: () => import("./commands/version.ts"),
  completion: () => import("./commands/completion.ts"),
  engine: () => import("./commands/engine.ts"),
  "engine start": () => import("./commands/engine.ts"),
  "engine stop": () => import("./commands/engine.ts"),
  "engine status": () => import("./commands/engine.ts"),
};

const COMMAND_NAMES: ReadonlySet<string> = new Set(Object.keys(COMMANDS).map((c) => c.split(" ")[0]!));

export function tstackVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
  return pkg.version ?? "0.0.0";
}

/**
 * Runs one command line and returns the exit code; never exits the process itself. Errors are
 * printed as one `tstack: …` line (plus the cause chain with --debug).
 */
export async function runCli(argv: readonly string[], io: CliIo, deps: ContextDeps = {}): Promise<number> {
  let global: GlobalOptions | undefined;
  const program = buildProgram(
    tstackVersion(),
    async (inv, rawGlobal) => {
      global = globalOptionsOf(rawGlobal as RawGlobalOptions, io.env);
      const load = COMMANDS[inv.command];
      if (load === undefined) throw new Error(`command ${inv.command} is not implemented`);
      const mod = await load();
      await mod.run(createContext(io, global, deps), inv);
    },
    { writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) },
    invokedCommand(argv, COMMAND_NAMES),
  );
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version "errors" are commander's way of stopping; usage errors were printed already.
      return err.exitCode === 0 ? 0 : 16;
    }
    for (const line of formatError(err, global?.debug ?? argv.includes("--debug"))) writeLine(io.stderr, line);
    return exitCodeOf(err);
  }
}

/** The process entry: real streams, signals and environment. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const bin = fileURLToPath(new URL("../../bin/tstack.js", import.meta.url));
  const io: CliIo = {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    interrupt: processInterrupts(),
    selfCommand: [process.execPath, bin],
    now: () => Date.now(),
  };
  const code = await runCli(argv, io);
  // Streams and sockets (event streams, hijacked execs) may still hold the loop; flush and go.
  process.exitCode = code;
  await new Promise<void>((r) => (process.stdout.writableLength === 0 ? r() : process.stdout.once("drain", () => r())));
  process.exit(code);
}
