import { invalidArgument } from "../common/errors.ts";

export type AnsiMode = "auto" | "never" | "always";
export type ProgressMode = "auto" | "tty" | "plain" | "quiet" | "json";

/** The options every command shares, after commander parsed them and the environment was applied. */
export interface GlobalOptions {
  /** -f, in order; "-" = stdin. Empty = COMPOSE_FILE or discovery (the loader decides). */
  readonly files: readonly string[];
  readonly projectName?: string;
  /** --profile; empty = COMPOSE_PROFILES (resolved after .env is read). */
  readonly profiles: readonly string[];
  readonly envFiles: readonly string[];
  readonly projectDirectory?: string;
  /** --host, else DOCKER_HOST; absent = tstack's own engine. */
  readonly host?: string;
  readonly ansi: AnsiMode;
  readonly progress: ProgressMode;
  /** --parallel / COMPOSE_PARALLEL_LIMIT; absent = unlimited. */
  readonly parallel?: number;
  readonly debug: boolean;
}

/** Raw values as commander hands them over (`program.opts()`). */
export interface RawGlobalOptions {
  readonly file?: readonly string[];
  readonly projectName?: string;
  readonly profile?: readonly string[];
  readonly envFile?: readonly string[];
  readonly projectDirectory?: string;
  readonly host?: string;
  readonly ansi?: string;
  readonly progress?: string;
  readonly parallel?: string;
  readonly debug?: boolean;
}

const ANSI: readonly AnsiMode[] = ["auto", "never", "always"];
const PROGRESS: readonly ProgressMode[] = ["auto", "tty", "plain", "quiet", "json"];

export function globalOptionsOf(raw: RawGlobalOptions, env: Readonly<Record<string, string | undefined>>): GlobalOptions {
  const ansi = oneOf("--ansi", raw.ansi ?? env["COMPOSE_ANSI"] ?? "auto", ANSI);
  const progress = oneOf("--progress", raw.progress ?? env["COMPOSE_PROGRESS"] ?? "auto", PROGRESS);
  const host = nonEmpty(raw.host) ?? nonEmpty(env["DOCKER_HOST"]);
  const parallel = parallelLimit(nonEmpty(raw.parallel) ?? nonEmpty(env["COMPOSE_PARALLEL_LIMIT"]));
  return {
    files: [...(raw.file ?? [])],
    ...(nonEmpty(raw.projectName) !== undefined ? { projectName: raw.projectName } : {}),
    profiles: (raw.profile ?? []).flatMap(splitList),
    envFiles: [...(raw.envFile ?? [])],
    ...(nonEmpty(raw.projectDirectory) !== undefined ? { projectDirectory: raw.projectDirectory } : {}),
    ...(host !== undefined ? { host } : {}),
    ansi,
    progress,
    ...(parallel !== undefined ? { parallel } : {}),
    debug: raw.debug === true,
  };
}

/** "-1" (or absent) = unlimited, as docker compose; else a positive integer. */
function parallelLimit(v: string | undefined): number | undefined {
  if (v === undefined || v === "-1") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw invalidArgument(`invalid --parallel value ${JSON.stringify(v)}: expected a positive integer or -1`);
  return n;
}

/** "a,b" → ["a", "b"]: COMPOSE_PROFILES and --profile both accept comma lists. */
export function splitList(v: string | undefined): string[] {
  return (v ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
}

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw invalidArgument(`invalid ${flag} value ${JSON.stringify(v)}: expected one of ${allowed.join(", ")}`);
}

const nonEmpty = (v: string | undefined) => (v === undefined || v === "" ? undefined : v);

/** Whether to colour output: --ansi, else NO_COLOR, else whether the stream is a terminal. */
export function useColor(mode: AnsiMode, isTTY: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  switch (mode) {
    case "always":
      return true;
    case "never":
      return false;
    case "auto":
      return isTTY === true && (env["NO_COLOR"] ?? "") === "";
  }
}
