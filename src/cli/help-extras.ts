import { CACHE_ENV, COLOR_ENV, ENGINE_ENV, ENV_VARS, PLAN_ENV, PROJECT_ENV, type EnvVar } from "./env-vars.ts";

/** What a command's --help shows after its options: examples, and the environment variables it reads. */
export interface HelpExtras {
  /** One to three command lines, each with what it does. */
  readonly examples: readonly (readonly [command: string, what: string])[];
  readonly environment: readonly EnvVar[];
}

const env = (...groups: readonly (readonly EnvVar[])[]): EnvVar[] => [...new Set(groups.flat())];
const ON_PROJECT = env(PROJECT_ENV, CACHE_ENV, ENGINE_ENV);
const PLANNING = env(ON_PROJECT, PLAN_ENV);

/** `tstack --help`. */
export const PROGRAM_HELP: HelpExtras = {
  examples: [
    ["tstack up -d --wait", "start the stack in the background, wait until it is healthy"],
    ["tstack -f compose.yaml -f compose.dev.yaml up -d", "merge an override file"],
    ["source <(tstack completion bash)", "complete commands, options and services in bash"],
  ],
  environment: env(PROJECT_ENV, ["COMPOSE_ANSI", "COMPOSE_PROGRESS", "COMPOSE_PARALLEL_LIMIT", "NO_COLOR", "DOCKER_HOST", "TSTACK_SOCKET", "TSTACK_RUN_ROOT", "TSTACK_STATE_ROOT"], CACHE_ENV),
};

/** Each command's --help, keyed by the name main.ts dispatches it by ("up", "engine start"). */
export const COMMAND_HELP: Readonly<Record<string, HelpExtras>> = {
  config: {
    examples: [
      ["tstack config --services", "list the services"],
      ["tstack config --format json -o model.json", "write the normalised model as JSON"],
      ["tstack -f compose.yaml -f compose.prod.yaml config", "print what two files merge into"],
    ],
    environment: PROJECT_ENV,
  },
  up: {
    examples: [
      ["tstack up -d --wait", "start in the background, wait until healthy"],
      ["tstack up --dry-run", "print the plan with a reason per operation, change nothing"],
      ["tstack up -d --force-recreate backend", "recreate one service's containers"],
    ],
    environment: PLANNING,
  },
  down: {
    examples: [
      ["tstack down -v", "also remove the project's volumes"],
      ["tstack -p demo down", "take a project down without its compose file"],
    ],
    environment: PLANNING,
  },
  ps: {
    examples: [
      ["tstack ps -a", "include stopped containers"],
      ["tstack ps --format json backend", "one service's containers as JSON"],
    ],
    environment: ON_PROJECT,
  },
  logs: {
    examples: [
      ["tstack logs -f --tail 20 backend", "follow backend's output from its last 20 lines"],
      ["tstack logs --since 10m -t", "the last ten minutes, with timestamps"],
    ],
    environment: env(ON_PROJECT, COLOR_ENV),
  },
  exec: {
    examples: [
      ["tstack exec db redis-cli ping", "run a command in db's container"],
      ["tstack exec -T -e DEBUG=1 backend env", "without a TTY, with a variable set"],
    ],
    environment: ON_PROJECT,
  },
  run: {
    examples: [
      ["tstack run --rm backend node --version", "a one-off container, removed when it exits"],
      ["tstack run --rm --no-deps -e MODE=test backend npm test", "without starting dependencies"],
    ],
    environment: PLANNING,
  },
  start: { examples: [["tstack start backend", "start backend's existing containers"]], environment: PLANNING },
  stop: { examples: [["tstack stop -t 5 backend", "stop backend, killing it after 5 seconds"]], environment: PLANNING },
  restart: { examples: [["tstack restart backend", "restart backend's containers"]], environment: ON_PROJECT },
  kill: { examples: [["tstack kill -s SIGTERM backend", "send backend a signal"]], environment: ON_PROJECT },
  rm: {
    examples: [
      ["tstack rm -f", "remove the stopped containers"],
      ["tstack rm -s -f -v backend", "stop backend, then remove it and its anonymous volumes"],
    ],
    environment: PLANNING,
  },
  pause: { examples: [["tstack pause db", "freeze db's processes"]], environment: ON_PROJECT },
  unpause: { examples: [["tstack unpause db", "let db's processes run again"]], environment: ON_PROJECT },
  pull: {
    examples: [
      ["tstack pull", "pull every service's image"],
      ["tstack pull -q db", "one service's, without progress output"],
    ],
    environment: PLANNING,
  },
  push: { examples: [["tstack push backend", "push backend's image to its registry"]], environment: ON_PROJECT },
  images: {
    examples: [
      ["tstack images", "the images of the project's containers"],
      ["tstack images -q", "only their IDs"],
    ],
    environment: ON_PROJECT,
  },
  top: { examples: [["tstack top backend", "backend's processes"]], environment: ON_PROJECT },
  port: { examples: [["tstack port backend 3000", "where backend's port 3000 is published"]], environment: ON_PROJECT },
  cp: {
    examples: [
      ["tstack cp backend:/app/package.json .", "copy a file out of a service container"],
      ["tstack cp ./seed.sql db:/tmp/", "copy a file into one"],
    ],
    environment: ON_PROJECT,
  },
  events: { examples: [["tstack events --json", "stream the project's container events as JSON lines"]], environment: ON_PROJECT },
  ls: {
    examples: [
      ["tstack ls", "the running projects"],
      ["tstack ls -a --format json", "all projects, as JSON"],
    ],
    environment: ENGINE_ENV,
  },
  watch: {
    examples: [
      ["tstack watch", "bring the stack up, then sync, restart or rebuild services as their files change"],
      ["tstack watch --no-up backend", "watch backend's paths without starting anything"],
    ],
    environment: PLANNING,
  },
  wait: { examples: [["tstack wait --down-project tests", "wait for tests to exit, then take the project down"]], environment: ON_PROJECT },
  version: { examples: [["tstack version --short", "only the version number"]], environment: [] },
  completion: {
    examples: [
      ["source <(tstack completion bash)", "complete in this bash session"],
      ['tstack completion zsh > "${fpath[1]}/_tstack"', "install for zsh (start a new shell)"],
      ["tstack completion fish > ~/.config/fish/completions/tstack.fish", "install for fish"],
    ],
    environment: [],
  },
  engine: {
    examples: [
      ["sudo tstack engine", "run the engine in the foreground, logging to stderr"],
      ["sudo TSTACK_DEBUG=1 tstack engine", "with debug messages"],
    ],
    environment: ["TSTACK_STATE_ROOT", "TSTACK_RUN_ROOT", "TSTACK_SOCKET", "TSTACK_DEBUG", "DOCKER_CONFIG"],
  },
  "engine start": {
    examples: [["sudo tstack engine start", "start the engine in the background"]],
    environment: ["TSTACK_STATE_ROOT", "TSTACK_RUN_ROOT", "TSTACK_SOCKET", "TSTACK_ENGINE_LOG"],
  },
  "engine stop": {
    examples: [["sudo tstack engine stop --timeout 60", "stop it, waiting up to a minute"]],
    environment: ["TSTACK_RUN_ROOT"],
  },
  "engine status": {
    examples: [["tstack engine status", "whether it runs, its pid and socket (exit 3 when stopped)"]],
    environment: ["TSTACK_RUN_ROOT", "TSTACK_SOCKET"],
  },
};

/** The text commander prints after a command's options (addHelpText "after"). Pure. */
export function helpExtrasText(extras: HelpExtras): string {
  const section = (title: string, rows: readonly (readonly [string, string])[], separator: string) => {
    const width = Math.max(...rows.map(([left]) => left.length));
    return [`${title}:`, ...rows.map(([left, right]) => `  ${left.padEnd(width)}${separator}${right}`)];
  };
  return [
    "",
    ...section("Examples", extras.examples, "  # "),
    ...(extras.environment.length > 0 ? ["", ...section("Environment", extras.environment.map((v) => [v, ENV_VARS[v]] as const), "  ")] : []),
  ].join("\n");
}
