import { parseDockerignore, type DockerIgnore } from "../../build/context/dockerignore.ts";

// Which host paths a watch rule cares about. Every pattern list uses .dockerignore syntax (the
// build's matcher, so a rule reads its patterns exactly as a build reads its context's), each
// relative to its own base directory: a rule's `ignore` and `include` to the rule's path, a build
// context's ignore file to the context. A path is accepted when it is at or under the rule's path,
// no layer excludes it, and (for files) `include`, when given, matches it.

/** Files editors and tools write beside the ones being saved, never worth a sync: vim's swap files and its 4913 probe, emacs' lock and autosave files, backups (`x~`), the `.tmp` files of atomic saves, JetBrains' safe-write files; and `.git`. */
export const ALWAYS_IGNORED: readonly string[] = [
  "**/.git",
  "**/*~",
  "**/.*.swp",
  "**/.*.swx",
  "**/.*.swo",
  "**/.*.swn",
  "**/4913",
  "**/.#*",
  "**/#*#",
  "**/*.tmp",
  "**/*___jb_tmp___",
  "**/*___jb_old___",
];

/** One list of patterns and the directory they are relative to. */
export interface IgnoreLayer {
  readonly base: string;
  readonly matcher: DockerIgnore;
  /** Where the patterns come from, for messages: "develop.watch[0].ignore", "/app/.dockerignore". */
  readonly source: string;
}

export interface PathFilter {
  /** The rule's host path (absolute). */
  readonly root: string;
  readonly layers: readonly IgnoreLayer[];
  /** A change of this absolute path concerns the rule. Directories are not held to `include`. */
  accepts(path: string, isDir: boolean): boolean;
  /** False when nothing at or below this directory can be accepted: a watcher need not watch it. */
  mayAcceptUnder(dir: string): boolean;
}

/** `path` relative to `base` ("." for base itself), or undefined when it is not inside. */
export function relativeInside(base: string, path: string): string | undefined {
  if (path === base) return ".";
  const prefix = base.endsWith("/") ? base : `${base}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
}

export function patternLayer(base: string, patterns: readonly string[], source: string): IgnoreLayer {
  return { base, matcher: parseDockerignore(patterns.join("\n"), source), source };
}

export function pathFilter(root: string, layers: readonly IgnoreLayer[], include: readonly string[] = []): PathFilter {
  const includes = include.length > 0 ? parseDockerignore(include.join("\n"), "include") : undefined;
  // A layer's base itself is never excluded: `*` in a context's .dockerignore leaves the context.
  const excluded = (path: string) =>
    layers.some((l) => {
      const rel = relativeInside(l.base, path);
      return rel !== undefined && rel !== "." && l.matcher.excludes(rel);
    });
  return {
    root,
    layers,
    accepts(path, isDir) {
      const rel = relativeInside(root, path);
      if (rel === undefined || excluded(path)) return false;
      return isDir || rel === "." || includes === undefined || includes.excludes(rel);
    },
    mayAcceptUnder(dir) {
      if (relativeInside(root, dir) === undefined) return relativeInside(dir, root) !== undefined;
      return !layers.some((l) => {
        const rel = relativeInside(l.base, dir);
        return rel !== undefined && rel !== "." && !l.matcher.mayIncludeUnder(rel);
      });
    },
  };
}
