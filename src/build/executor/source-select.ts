import { compareStrings } from "../../common/compare-strings.ts";
import { goClean, patternSource } from "../context/dockerignore.ts";
import type { SourceEntry } from "./ports.ts";

// Which entries of a tree a COPY/ADD source (or a RUN bind mount's source) names, as BuildKit's
// copy does with AllowWildcard and AllowEmptyWildcard:
// - a path is relative to the tree's root (a leading "/" and ".." cannot leave it);
// - `*`, `?` and `[...]` match within one path segment (Go's filepath.Match; `\` escapes); a
//   pattern may match nothing (then nothing is copied), a plain path must exist;
// - each match is a root: itself and everything below it (a directory's contents are copied).
// The walk only needs the pattern's literal leading directories (literalPrefix).

export interface SourceRoot {
  /** Tree-relative. */
  readonly path: string;
  /** The root's own entry first, then everything below it. */
  readonly entries: readonly SourceEntry[];
}

/** A source path as a clean tree-relative pattern ("." for the root). */
export function sourcePattern(path: string): string {
  return goClean(`/${path}`).slice(1) || ".";
}

/** BuildKit's containsWildcards. */
export function hasWildcards(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*" || c === "?" || c === "[") return true;
    if (c === "\\") i++;
  }
  return false;
}

/** The directory a walk must start from to see every match of `pattern`. */
export function literalPrefix(pattern: string): string {
  const out: string[] = [];
  for (const seg of pattern.split("/")) {
    if (hasWildcards(seg)) break;
    out.push(seg);
  }
  return out.join("/") || ".";
}

/** The roots `pattern` names among `walked` (entries at and below its literal prefix), by path. Throws on a malformed pattern. */
export function selectRoots(pattern: string, walked: readonly SourceEntry[]): SourceRoot[] {
  let roots: SourceEntry[];
  if (!hasWildcards(pattern)) roots = walked.filter((e) => e.path === pattern);
  else {
    const segs = pattern.split("/").map((s) => segmentRegex(s, pattern));
    roots = walked.filter((e) => {
      const parts = e.path === "." ? [] : e.path.split("/");
      return parts.length === segs.length && parts.every((p, i) => segs[i]?.test(p));
    });
  }
  return roots
    .sort((a, b) => compareStrings(a.path, b.path))
    .map((root) => ({ path: root.path, entries: [root, ...walked.filter((e) => e !== root && isBelow(e.path, root.path))] }));
}

export function isBelow(path: string, dir: string): boolean {
  return dir === "." ? path !== "." : path.startsWith(`${dir}/`);
}

function segmentRegex(segment: string, pattern: string): RegExp {
  try {
    return new RegExp(`^${patternSource(segment)}$`);
  } catch (err) {
    throw new Error(`syntax error in pattern ${JSON.stringify(pattern)}`, { cause: err });
  }
}
