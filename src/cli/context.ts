import { failedPrecondition } from "../common/errors.ts";
import { CategorizedError } from "./cli-errors.ts";
import { connectEngine, type EngineConnection } from "./engine-connection.ts";
import { daemonPathsOf, type DaemonPaths } from "./engine-paths.ts";
import { useColor, type GlobalOptions } from "./global-options.ts";
import { readAll, writeLine, type CliIo } from "./io.ts";
import type { LoadedProject } from "./project.ts";
import type { LoaderFs } from "../compose/load/index.ts";

/** What a command gets: the process edges, the global options, and lazily the project and the engine. */
export interface CommandContext {
  readonly io: CliIo;
  readonly global: GlobalOptions;
  readonly paths: DaemonPaths;
  /** Whether stdout gets colours. */
  readonly color: boolean;
  out(line: string): void;
  err(line: string): void;
  /** Prints `WARN[0000] …` lines to stderr. */
  warn(...warnings: readonly string[]): void;
  /** Loads, validates and normalises the project, printing its warnings once. */
  project(services?: readonly string[]): Promise<LoadedProject>;
  /**
   * The project name, for commands that also work without a compose file (`down -p x`, `ps`,
   * `logs`): from the project when one loads, else from -p / COMPOSE_PROJECT_NAME.
   */
  projectOrName(services?: readonly string[]): Promise<{ readonly name: string; readonly loaded?: LoadedProject }>;
  engine(): Promise<EngineConnection>;
}

export interface ContextDeps {
  /** Replaces the real engine connection (tests pass a fake). */
  readonly connect?: (ctx: CommandContext) => Promise<EngineConnection>;
  readonly loaderFs?: LoaderFs;
}

export function createContext(io: CliIo, global: GlobalOptions, deps: ContextDeps = {}): CommandContext {
  let loaded: Promise<LoadedProject> | undefined;
  let loadedFor: string | undefined;
  let engine: Promise<EngineConnection> | undefined;
  const paths = daemonPathsOf(io.env);
  const ctx: CommandContext = {
    io,
    global,
    paths,
    color: useColor(global.ansi, io.stdout.isTTY, io.env),
    out: (l) => writeLine(io.stdout, l),
    err: (l) => writeLine(io.stderr, l),
    warn: (...w) => {
      for (const l of warningLines(w)) writeLine(io.stderr, l);
    },
    project(services = []) {
      const key = services.join(",");
      if (loaded === undefined || loadedFor !== key) {
        loadedFor = key;
        loaded = import("./project.ts").then(({ loadProject }) => loadProject({
          global,
          cwd: io.cwd,
          env: io.env,
          services,
          readStdin: () => readAll(io.stdin),
          ...(deps.loaderFs !== undefined ? { fs: deps.loaderFs } : {}),
          hostPlatform: hostPlatformOf(process.platform, process.arch),
        })).then((p) => {
          ctx.warn(...p.warnings);
          return p;
        });
      }
      return loaded;
    },
    async projectOrName(services = []) {
      try {
        const p = await ctx.project(services);
        return { name: p.project.name, loaded: p };
      } catch (err) {
        const name = global.projectName ?? io.env["COMPOSE_PROJECT_NAME"];
        if (err instanceof CategorizedError && err.category === "compose-file-not-found" && name !== undefined && name !== "") return { name };
        throw err;
      }
    },
    engine() {
      engine ??= deps.connect
        ? deps.connect(ctx)
        : connectEngine({
            paths,
            ...(global.host !== undefined ? { host: global.host } : {}),
            selfCommand: io.selfCommand,
            env: io.env,
            notice: (l) => writeLine(io.stderr, l),
          });
      return engine;
    },
  };
  return ctx;
}

/** `linux/amd64`-style name of the host, as compose's `platform:` spells it. */
export function hostPlatformOf(platform: string, arch: string): string {
  const a = ({ x64: "amd64", ia32: "386", arm: "arm", arm64: "arm64", ppc64: "ppc64le", s390x: "s390x" } as Record<string, string>)[arch] ?? arch;
  return `${platform}/${a}`;
}

/** Docker-style warning lines: `WARN[0000] message`. */
export function warningLines(warnings: readonly string[]): string[] {
  return warnings.map((w) => `WARN[0000] ${w}`);
}

/** Picks the services a command acts on, failing on names the project does not define. */
export function checkServices(loaded: LoadedProject | undefined, services: readonly string[]): void {
  if (loaded === undefined) return;
  const p = loaded.project;
  for (const s of services) {
    if (Object.hasOwn(p.services, s)) continue;
    if (p.disabled_services.includes(s)) throw failedPrecondition(`service ${s} is not enabled by the active profiles`);
    throw failedPrecondition(`no such service: ${s}`);
  }
}
