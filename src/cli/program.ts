import { Argument, Command, Option } from "commander";
import { SHELLS } from "./completion/shells.ts";
import { COMMAND_HELP, helpExtrasText, PROGRAM_HELP } from "./help-extras.ts";

/** One parsed command line: which command, its positional arguments and its raw options. */
export interface Invocation {
  /** "up", "engine start", ... */
  readonly command: string;
  readonly args: readonly string[];
  readonly options: Readonly<Record<string, unknown>>;
}

export type Dispatch = (inv: Invocation, global: Readonly<Record<string, unknown>>) => Promise<void>;

export interface ProgramOutput {
  readonly writeOut: (s: string) => void;
  readonly writeErr: (s: string) => void;
}

const withHelpExtras = (cmd: Command, name: string) => {
  const extras = COMMAND_HELP[name];
  // Formatted only when help is printed: building the program is on every command's start.
  if (extras !== undefined) cmd.addHelpText("after", () => helpExtrasText(extras));
};
const collect = (v: string, prev: string[] = []) => [...prev, v];
const int = (flag: string) => (v: string) => {
  if (!/^-?\d+$/.test(v)) throw new Error(`${flag}: not an integer: ${v}`);
  return Number(v);
};

/**
 * The whole command-line surface, declarative and free of effects: commander parses argv and
 * hands each command's positional arguments and options to `dispatch`. The heavy modules
 * (compose, the engine client) are only loaded by the dispatched command, which keeps `--version`
 * and `--help` fast. Each command's help ends with examples and the environment variables it
 * reads (help-extras.ts); `tstack completion` reads this tree to write its scripts.
 */
export function buildProgram(version: string, dispatch: Dispatch, out: ProgramOutput, only?: string): Command {
  const program = new Command("tstack")
    .description("Declarative multi-container orchestrator with its own container engine")
    .version(version, "-v, --version", "print the version and exit")
    .enablePositionalOptions()
    .configureOutput({ writeOut: out.writeOut, writeErr: out.writeErr })
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .option("-f, --file <path>", "compose file (repeatable; - reads stdin)", collect)
    .option("-p, --project-name <name>", "project name")
    .option("--profile <name>", "enable a profile (repeatable)", collect)
    .option("--env-file <path>", "alternate environment file (repeatable)", collect)
    .option("--project-directory <dir>", "alternate working directory (default: the first compose file's directory)")
    .option("-H, --host <url>", "engine to use: unix:///path.sock or tcp://host:port (default: DOCKER_HOST, else tstack's engine)")
    .addOption(new Option("--ansi <when>", "control characters: auto, never, always").choices(["auto", "never", "always"]))
    .addOption(new Option("--progress <mode>", "progress output").choices(["auto", "tty", "plain", "quiet", "json"]))
    .option("--parallel <n>", "engine operations at once (-1: unlimited, the default; or COMPOSE_PARALLEL_LIMIT)")
    .option("--debug", "print error causes and engine details")
    .addHelpText("after", () => helpExtrasText(PROGRAM_HELP));

  const globals = () => program.opts();
  // With `only` (see invokedCommand), the other top-level commands are left out: building all of
  // them is ~4 ms of every command's start, and only help and suggestions need them.
  const skipped = (name: string) => only !== undefined && name !== only;
  const add = (spec: string, description: string, configure: (c: Command) => Command = (c) => c, name?: string, parent: Command = program) => {
    if (parent === program && skipped(spec.split(" ")[0]!)) return;
    const cmd = parent.command(spec).description(description);
    cmd.exitOverride().configureOutput({ writeOut: out.writeOut, writeErr: out.writeErr }).showHelpAfterError("(add --help for usage)");
    configure(cmd);
    const command = name ?? cmd.name();
    withHelpExtras(cmd, command);
    cmd.action(async (...params: unknown[]) => {
      const c = params[params.length - 1] as Command;
      await dispatch({ command, args: c.processedArgs.flatMap((a: unknown) => (a === undefined ? [] : Array.isArray(a) ? a.map(String) : [String(a)])), options: c.opts() }, globals());
    });
  };
  const timeout = (c: Command) => c.option("-t, --timeout <seconds>", "shutdown timeout in seconds", int("--timeout"));

  add("config [services...]", "Validate and print the normalised compose model", (c) =>
    c
      .option("--services", "print the service names, one per line")
      .option("--volumes", "print the volume names, one per line")
      .option("--profiles", "print the profile names, one per line")
      .addOption(new Option("--format <format>", "output format").choices(["yaml", "json"]).default("yaml"))
      .option("--hash <services>", "print the config hash of services (comma list, or *)")
      .option("-q, --quiet", "only validate, print nothing")
      .option("-o, --output <file>", "write to a file instead of stdout"),
  );
  add("up [services...]", "Create and start containers", (c) =>
    timeout(
      c
        .option("-d, --detach", "run in the background")
        .option("--dry-run", "print the plan and do nothing")
        .option("--force-recreate", "recreate containers even if unchanged")
        .option("--no-recreate", "never recreate existing containers")
        .option("--always-recreate-deps", "recreate dependent containers")
        .option("--no-deps", "do not start linked services")
        .option("--remove-orphans", "remove containers of services not in the compose file")
        .option("--scale <service=n>", "scale a service (repeatable)", collect)
        .option("--no-start", "create, but do not start")
        .addOption(new Option("--pull <policy>", "pull images: always, missing, never").choices(["always", "missing", "never"]))
        .option("--wait", "wait for services to be running and healthy (implies -d)")
        .option("--wait-timeout <seconds>", "give up waiting after this long", int("--wait-timeout"))
        .option("--abort-on-container-exit", "stop everything when a container exits (attached mode)")
        .option("--exit-code-from <service>", "exit with this service's exit code (implies --abort-on-container-exit)")
        .option("--no-color", "monochrome log output")
        .option("--no-log-prefix", "no service prefix in log lines")
        .option("--timestamps", "show timestamps in log lines")
        .option("--watch", "while attached, sync, restart or rebuild services as their develop.watch files change"),
    ),
  );
  add("watch [services...]", "Sync, restart or rebuild services as the files of their develop.watch rules change", (c) =>
    c
      .option("--no-up", "watch the stack as it is, without bringing it up first")
      .option("--prune", "remove the images that rebuilds replace")
      .option("--quiet", "no lines about what was synced or restarted (warnings still show)"),
  );
  add("down [services...]", "Stop and remove containers, networks (and volumes with -v)", (c) =>
    timeout(
      c
        .option("-v, --volumes", "also remove named volumes and anonymous volumes")
        .addOption(new Option("--rmi <which>", "remove images: local, all").choices(["local", "all"]))
        .option("--remove-orphans", "remove containers of services not in the compose file")
        .option("--dry-run", "print the plan and do nothing"),
    ),
  );
  add("ps [services...]", "List containers", (c) =>
    c
      .option("-a, --all", "include stopped containers")
      .option("-q, --quiet", "only IDs")
      .option("--services", "only service names")
      .option("--status <status>", "filter by status (repeatable)", collect)
      .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table")),
  );
  add("logs [services...]", "Show container output", (c) =>
    c
      .option("-f, --follow", "follow output, across restarts and recreations")
      .option("--tail <n>", "lines from the end of each container's log (or all)", "all")
      .option("--since <time>", "since a timestamp (RFC 3339 or unix) or a relative duration (10m)")
      .option("--until <time>", "until a timestamp or relative duration")
      .option("-t, --timestamps", "show timestamps")
      .option("--no-color", "monochrome output")
      .option("--no-log-prefix", "no service prefix")
      .option("--index <n>", "only this replica", int("--index")),
  );
  add("exec <service> <command...>", "Run a command in a running container", (c) =>
    c
      .passThroughOptions()
      .option("-T, --no-tty", "do not allocate a TTY (default: a TTY when stdout is one)")
      .option("-i, --interactive", "keep stdin open (default)", true)
      .option("-d, --detach", "run in the background")
      .option("-e, --env <KEY=VAL>", "set an environment variable (repeatable)", collect)
      .option("-u, --user <user>", "run as this user")
      .option("-w, --workdir <dir>", "working directory")
      .option("--index <n>", "replica number", int("--index"), 1)
      .option("--privileged", "extended privileges"),
  );
  add("run <service> [command...]", "Run a one-off command in a new container", (c) =>
    c
      .passThroughOptions()
      .option("--rm", "remove the container when it exits")
      .option("-d, --detach", "run in the background, print the container ID")
      .option("-e, --env <KEY=VAL>", "set an environment variable (repeatable)", collect)
      .option("-l, --label <KEY=VAL>", "add a label (repeatable)", collect)
      .option("--entrypoint <cmd>", "override the entrypoint")
      .option("-p, --publish <port>", "publish a port (repeatable)", collect)
      .option("--service-ports", "publish the service's ports")
      .option("--no-deps", "do not start dependencies")
      .option("-T, --no-tty", "do not allocate a TTY")
      .option("-u, --user <user>", "run as this user")
      .option("-w, --workdir <dir>", "working directory")
      .option("--name <name>", "container name")
      .addOption(new Option("--pull <policy>", "pull the image: always, missing, never").choices(["always", "missing", "never"])),
  );
  add("start [services...]", "Start existing containers");
  add("stop [services...]", "Stop running containers", timeout);
  add("restart [services...]", "Restart containers", (c) => timeout(c.option("--no-deps", "do not restart dependencies")));
  add("kill [services...]", "Kill containers", (c) => c.option("-s, --signal <signal>", "signal to send", "SIGKILL").option("--remove-orphans", "also orphans"));
  add("rm [services...]", "Remove stopped containers", (c) =>
    c.option("-f, --force", "do not ask").option("-s, --stop", "stop the containers first").option("-v, --volumes", "remove anonymous volumes"),
  );
  add("pause [services...]", "Pause containers");
  add("unpause [services...]", "Unpause containers");
  add("pull [services...]", "Pull service images", (c) => c.option("-q, --quiet", "no progress output").option("--ignore-pull-failures", "go on after a failed pull"));
  add("push [services...]", "Push service images", (c) => c.option("-q, --quiet", "no progress output").option("--ignore-push-failures", "go on after a failed push"));
  add("images [services...]", "List the images the project's containers use", (c) =>
    c.option("-q, --quiet", "only IDs").addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table")),
  );
  add("top [services...]", "Show the processes of containers");
  add("port <service> <private_port>", "Print the public port of a port binding", (c) =>
    c.addOption(new Option("--protocol <proto>", "tcp or udp").choices(["tcp", "udp", "sctp"]).default("tcp")).option("--index <n>", "replica number", int("--index"), 1),
  );
  add("cp <source> <destination>", "Copy files between a service container and the host (SERVICE:PATH)", (c) =>
    c.option("--index <n>", "replica number", int("--index"), 1).option("-a, --archive", "keep ownership"),
  );
  add("events [services...]", "Stream the project's container events", (c) => c.option("--json", "one JSON object per line"));
  add("ls", "List running projects", (c) =>
    c
      .option("-a, --all", "include stopped projects")
      .option("-q, --quiet", "only names")
      .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table")),
  );
  add("wait <services...>", "Wait for the services' containers to stop, print their exit codes", (c) => c.option("--down-project", "take the project down after the first exits"));
  add("version", "Print the version", (c) =>
    c.addOption(new Option("--format <format>", "output format").choices(["pretty", "json"]).default("pretty")).option("--short", "only the number"),
  );
  add("completion", "Print a shell completion script for tstack's commands, options and services", (c) =>
    c.addArgument(new Argument("<shell>", "the shell to write the script for").choices(SHELLS)),
  );

  if (skipped("engine")) return program;
  const engine = program.command("engine").description("Run tstack's engine in the foreground, or manage it (start, stop, status)");
  engine.exitOverride().configureOutput({ writeOut: out.writeOut, writeErr: out.writeErr });
  engine.action(async () => dispatch({ command: "engine", args: [], options: {} }, globals()));
  withHelpExtras(engine, "engine");
  add("start", "Start the engine in the background", (c) => c, "engine start", engine);
  add("stop", "Stop the background engine (containers keep running)", (c) => c.option("--timeout <seconds>", "how long to wait", int("--timeout"), 30), "engine stop", engine);
  add("status", "Print whether the engine runs, its pid and socket", (c) => c, "engine status", engine);
  return program;
}

/** Global options that take a value (the rest are flags): what invokedCommand must step over. */
export const GLOBAL_VALUE_OPTIONS: ReadonlySet<string> = new Set(["-f", "--file", "-p", "--project-name", "--profile", "--env-file", "--project-directory", "-H", "--host", "--ansi", "--progress", "--parallel"]);

/**
 * The top-level command a command line invokes, when it is plainly one of `known`: the first
 * word after the global options. Undefined when help, the version or anything unusual may be
 * asked for (then the whole program is built, for help and suggestions). Pure.
 */
export function invokedCommand(argv: readonly string[], known: ReadonlySet<string>): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") return undefined;
    if (!a.startsWith("-")) return known.has(a) ? a : undefined;
    if (a.includes("=")) continue;
    if (GLOBAL_VALUE_OPTIONS.has(a)) i++;
    else if (a !== "--debug") return undefined; // -h, -v, a bundled short option, an unknown one
  }
  return undefined;
}
