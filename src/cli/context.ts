import { failedPrecondition } from "../common/errors.ts";
import { CategorizedError } from "./cli-errors.ts";
import { openEngineLine, type EngineLine } from "./engine-connection.ts";
import { daemonPathsOf, type DaemonPaths } from "./engine-paths.ts";
import { useColor, type GlobalOptions } from "./global-options.ts";
import { readAll, writeLine, type CliIo } from "./io.ts";
// Types only: project.ts's code (YAML parser, validator) is imported on demand below.
import type { FullyLoadedProject, LoadedProject, ProjectLoadInput } from "./project.ts";
import type { LoaderFs } from "../compose/load/loader-fs.ts";

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
  /**
   * Loads, validates and normalises the project, printing its warnings once. Served from the
   * project cache (project-cache.ts) when nothing it depends on changed.
   */
  project(services?: readonly string[], opts?: { readonly forWatch?: boolean }): Promise<LoadedProject>;
  /** A full load, never from the cache, with the merged compose tree (for `config`). */
  fullProject(services?: readonly string[]): Promise<FullyLoadedProject>;
  /**
   * The project name, for commands that also work without a compose file (`down -p x`, `ps`,
   * `logs`): from the project when one loads, else from -p / COMPOSE_PROJECT_NAME.
   */
  projectOrName(services?: readonly string[]): Promise<{ readonly name: string; readonly loaded?: LoadedProject }>;
  /** The engine, started if need be, with the compose layer's client. */
  engineLine(): Promise<EngineLine>;
}

export interface ContextDeps {
  /** Replaces the real engine connection (tests pass a fake). */
  readonly connect?: (ctx: CommandContext) => Promise<EngineLine>;
  readonly loaderFs?: LoaderFs;
  /**
   * The project cache's directory and build identity; null = no cache. Default: from the
   * environment (projectCacheDirOf) and the running build (none when running from sources).
   */
  readonly projectCache?: { readonly dir: string; readonly build: string } | null;
}

export function createContext(io: CliIo, global: GlobalOptions, deps: ContextDeps = {}): CommandContext {
  let loaded: Promise<LoadedProject> | undefined;
  let loadedFor: string | undefined;
  let line: Promise<EngineLine> | undefined;
  const paths = daemonPathsOf(io.env);
  const loadInput = (services: readonly string[], forWatch = false): ProjectLoadInput => ({
    global,
    ...(forWatch ? { forWatch } : {}),
    cwd: io.cwd,
    env: io.env,
    services,
    readStdin: () => readAll(io.stdin),
    ...(deps.loaderFs !== undefined ? { fs: deps.loaderFs } : {}),
    hostPlatform: hostPlatformOf(process.platform, process.arch),
  });
  // Both modules are loaded on demand: the cache so that commands without a project skip it,
  // project.ts (YAML parser, schema validator) so that a cache hit never loads it.
  const fullLoad = async (input: ProjectLoadInput) => (await import("./project.ts")).loadProject(input);
  const loadThroughCache = async (input: ProjectLoadInput): Promise<LoadedProject> => {
    if (deps.projectCache === null || deps.loaderFs !== undefined) return fullLoad(input);
    const started = io.now();
    const cache = await import("./project-cache.ts");
    const settings = deps.projectCache ?? (await cache.projectCacheSettingsOf(io.env));
    if (settings === undefined) return fullLoad(input);
    return cache.loadProjectCached(input, {
      store: cache.fileEntryStore({ dir: settings.dir, maxEntries: 64, uid: process.getuid?.(), now: io.now }),
      build: settings.build,
      load: fullLoad,
      now: io.now,
      onOutcome: (o) => {
        if (!global.debug) return;
        writeLine(io.stderr, `DEBU[0000] project cache ${cache.describeOutcome(o)} (${io.now() - started} ms)`);
      },
    });
  };
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
    project(services = [], opts = {}) {
      const key = `${services.join(",")}${opts.forWatch === true ? " watch" : ""}`;
      if (loaded === undefined || loadedFor !== key) {
        loadedFor = key;
        loaded = loadThroughCache(loadInput(services, opts.forWatch === true)).then((p) => {
          ctx.warn(...p.warnings);
          return p;
        });
      }
      return loaded;
    },
    async fullProject(services = []) {
      const { loadProject } = await import("./project.ts");
      const p = await loadProject(loadInput(services));
      ctx.warn(...p.warnings);
      return p;
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
    engineLine() {
      line ??= deps.connect
        ? deps.connect(ctx)
        : openEngineLine({
            paths,
            ...(global.host !== undefined ? { host: global.host } : {}),
            selfCommand: io.selfCommand,
            env: io.env,
            notice: (l) => writeLine(io.stderr, l),
          });
      return line;
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
