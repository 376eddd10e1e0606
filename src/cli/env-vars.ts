/**
 * The environment variables tstack reads, with what each does, for the help texts
 * (help-extras.ts). Every name here is read somewhere in src (help-extras.test.ts checks it);
 * the Compose ones are also taken from the project's .env file where Docker Compose takes them.
 */
export const ENV_VARS = {
  COMPOSE_FILE: "compose files when no -f is given (list separated by COMPOSE_PATH_SEPARATOR; also from .env)",
  COMPOSE_PATH_SEPARATOR: 'separator of the COMPOSE_FILE list (default ":")',
  COMPOSE_PROJECT_NAME: "project name when no -p is given (also from .env)",
  COMPOSE_PROFILES: "profiles to enable when no --profile is given (comma list; also from .env)",
  COMPOSE_ANSI: "default of --ansi",
  COMPOSE_PROGRESS: "default of --progress",
  COMPOSE_PARALLEL_LIMIT: "default of --parallel",
  NO_COLOR: "no colours with --ansi auto when set to anything but empty",
  DOCKER_HOST: "engine to use when no -H is given (default: tstack's engine)",
  TSTACK_SOCKET: "socket of tstack's engine (default: $TSTACK_RUN_ROOT/engine.sock)",
  TSTACK_RUN_ROOT: "run directory of tstack's engine: socket, pid file (default /run/tstack)",
  TSTACK_STATE_ROOT: "state directory of tstack's engine (default /var/lib/tstack)",
  TSTACK_ENGINE_LOG: "log file of an engine started in the background (default /var/log/tstack-engine.log)",
  TSTACK_NO_PROJECT_CACHE: "1: do not cache loaded projects",
  XDG_CACHE_HOME: "the project cache is $XDG_CACHE_HOME/tstack/projects (default ~/.cache/tstack/projects)",
  TSTACK_DEBUG: "1: log debug messages, as --debug",
  DOCKER_CONFIG: "directory of config.json, the registry credentials (default ~/.docker)",
} as const satisfies Readonly<Record<string, string>>;

export type EnvVar = keyof typeof ENV_VARS;

/** What loading the project reads (-f, -p and --profile stand in for them). */
export const PROJECT_ENV: readonly EnvVar[] = ["COMPOSE_FILE", "COMPOSE_PATH_SEPARATOR", "COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES"];
/** What the project cache reads (commands that load the project through it). */
export const CACHE_ENV: readonly EnvVar[] = ["TSTACK_NO_PROJECT_CACHE", "XDG_CACHE_HOME"];
/** What connecting to the engine reads, starting tstack's own on demand. */
export const ENGINE_ENV: readonly EnvVar[] = ["DOCKER_HOST", "TSTACK_SOCKET", "TSTACK_RUN_ROOT", "TSTACK_STATE_ROOT", "TSTACK_ENGINE_LOG"];
/** What running a plan with a progress display reads. */
export const PLAN_ENV: readonly EnvVar[] = ["COMPOSE_PROGRESS", "COMPOSE_PARALLEL_LIMIT", "COMPOSE_ANSI", "NO_COLOR"];
/** What coloured output reads. */
export const COLOR_ENV: readonly EnvVar[] = ["COMPOSE_ANSI", "NO_COLOR"];
