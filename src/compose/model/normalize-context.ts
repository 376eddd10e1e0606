import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { invalidArgument } from "../../common/errors.ts";
import { errorAt } from "../validate/compose-validation-error.ts";
import type { LoadedTreeLike, TreePath } from "../validate/input.ts";
import type { ParseResult } from "./parse-result.ts";

/** What normalisation needs besides the tree: where paths are relative to, and how to fail. */
export interface NormalizeContext {
  readonly input: LoadedTreeLike;
  readonly projectName: string;
  /** Resolves a host path written in the file: "~" from $HOME, relative against the project directory. */
  resolvePath(p: string): string;
  /** Unwraps a parse result, failing with the tree path (normalize expects a validated tree). */
  must<T>(r: ParseResult<T>, path: TreePath): T;
}

export function createContext(input: LoadedTreeLike): NormalizeContext {
  // HOME comes from the injected environment; the process's is only a fallback.
  const home = input.environment.HOME ?? homedir();
  return {
    input,
    projectName: input.projectName,
    resolvePath(p) {
      if (p === "~" || p.startsWith("~/")) return resolve(home, p.slice(2));
      return isAbsolute(p) ? resolve(p) : resolve(input.projectDirectory, p);
    },
    must(r, path) {
      if (r.ok) return r.value;
      throw errorAt(input, path, r.error, invalidArgument(r.error));
    },
  };
}
