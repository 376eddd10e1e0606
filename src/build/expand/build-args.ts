import { fileError } from "../dockerfile/dockerfile-error.ts";
import type { Dockerfile } from "../dockerfile/parse-dockerfile.ts";
import { processWordOr } from "../dockerfile/shell-lexer.ts";
import { platformArgs, type BuildPlatforms } from "./platform.ts";

// Build-arg scoping as in BuildKit:
// - the global scope holds the predefined platform ARGs and the ARGs declared before the first
//   FROM; a --build-arg overrides a declared default (and a platform value); it is what FROM
//   lines (image and --platform) expand with;
// - inside a stage only ARGs declared in that stage are visible; `ARG NAME` without a default
//   takes the --build-arg, else the global value of the same name, else stays unset;
// - the proxy ARGs reach RUN without an ARG line, and never a cache key.

export type ArgScope = ReadonlyMap<string, string | undefined>;

export const PROXY_ARGS: ReadonlySet<string> = new Set([
  "HTTP_PROXY",
  "http_proxy",
  "HTTPS_PROXY",
  "https_proxy",
  "FTP_PROXY",
  "ftp_proxy",
  "NO_PROXY",
  "no_proxy",
  "ALL_PROXY",
  "all_proxy",
]);

export interface BuildArgInputs {
  /** `--build-arg NAME=value` pairs. */
  readonly buildArgs: ReadonlyMap<string, string>;
  readonly platforms: BuildPlatforms;
}

/** The global scope: platform ARGs, then the ARGs before the first FROM, in order. */
export function globalArgScope(df: Dockerfile, inputs: BuildArgInputs): ArgScope {
  const scope = new Map<string, string | undefined>();
  for (const [name, value] of platformArgs(inputs.platforms)) scope.set(name, inputs.buildArgs.get(name) ?? value);
  for (const ins of df.metaArgs)
    for (const decl of ins.args) {
      const given = inputs.buildArgs.get(decl.name);
      const value = given ?? (decl.default === undefined ? scope.get(decl.name) : expandWith(decl.default, scope, df, ins.line));
      scope.set(decl.name, value);
    }
  return scope;
}

/** The proxy values given as build args: the environment RUN gets on top of its own, unkeyed. */
export function proxyEnv(buildArgs: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  return new Map([...buildArgs].filter(([name]) => PROXY_ARGS.has(name)));
}

/** --build-arg names that no ARG in the global scope or in the given stages declares. */
export function unusedBuildArgs(df: Dockerfile, stageIndexes: readonly number[], buildArgs: ReadonlyMap<string, string>): string[] {
  const declared = new Set<string>();
  for (const ins of df.metaArgs) for (const a of ins.args) declared.add(a.name);
  for (const i of stageIndexes)
    for (const ins of df.stages[i]?.instructions ?? []) if (ins.kind === "arg") for (const a of ins.args) declared.add(a.name);
  return [...buildArgs.keys()].filter((n) => !declared.has(n) && !PROXY_ARGS.has(n) && !/^(BUILD|TARGET)(PLATFORM|OS|ARCH|VARIANT)$/.test(n));
}

function expandWith(text: string, scope: ArgScope, df: Dockerfile, line: number): string {
  const fail = (e: Error) => fileError(df.file, line, e.message, e);
  return processWordOr(text, (n) => scope.get(n), { escape: df.directives.escape }, fail).word;
}
