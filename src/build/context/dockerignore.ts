import { fileError } from "../dockerfile/dockerfile-error.ts";

// .dockerignore as Docker reads it (moby/patternmatcher, ignorefile.ReadAll):
// - one pattern a line; a line starting with `#` (first column) is a comment; blanks trimmed;
// - `!` makes an exception; later lines win over earlier ones;
// - a pattern is cleaned like Go's filepath.Clean (`./a` → `a`, `a/` → `a`, `a/../b` → `b`) and a
//   leading `/` dropped: patterns are relative to the context root;
// - `*` and `?` stay inside one path segment, `[...]` is a class, `\` escapes; `**` matches any
//   number of segments (`**/x`, `a/**/b`), and at the end of a pattern everything below (`a/**`);
// - a pattern that matches a directory matches everything under it.
// `mayIncludeUnder` lets a walker skip an ignored tree without reading it: it is false only when no
// exception after the rule that excludes the directory could match anything below it.

export interface IgnoreRule {
  /** The cleaned pattern, without `!`. */
  readonly pattern: string;
  readonly exception: boolean;
  /** 1-based line in the ignore file. */
  readonly line: number;
}

export interface DockerIgnore {
  readonly rules: readonly IgnoreRule[];
  /** True when the path (relative to the context root, "/"-separated) is left out of the context. */
  excludes(path: string): boolean;
  /** False when nothing under this directory can be in the context, so a walker may skip it. */
  mayIncludeUnder(dir: string): boolean;
}

interface CompiledRule extends IgnoreRule {
  readonly regex: RegExp;
  readonly segments: readonly string[];
}

export function parseDockerignore(text: string, file = ".dockerignore"): DockerIgnore {
  const rules: CompiledRule[] = [];
  text
    .replace(/^\uFEFF/, "")
    .split("\n")
    .forEach((raw, i) => {
      if (raw.startsWith("#")) return;
      let pattern = raw.trim();
      if (pattern === "") return;
      const exception = pattern.startsWith("!");
      if (exception) pattern = pattern.slice(1).trim();
      if (pattern === "") throw fileError(file, i + 1, 'illegal exclusion pattern: "!"');
      pattern = goClean(pattern);
      if (pattern.length > 1 && pattern.startsWith("/")) pattern = pattern.slice(1);
      let regex: RegExp;
      try {
        regex = new RegExp(`^${patternSource(pattern)}$`);
      } catch (err) {
        throw fileError(file, i + 1, `bad pattern "${raw.trim()}": ${(err as Error).message}`, err);
      }
      rules.push({ pattern, exception, line: i + 1, regex, segments: pattern.split("/") });
    });
  return {
    rules: rules.map(({ pattern, exception, line }) => ({ pattern, exception, line })),
    excludes: (path) => lastMatch(rules, goClean(path))?.exception === false,
    mayIncludeUnder: (dir) => mayIncludeUnder(rules, goClean(dir)),
  };
}

// The last rule that matches the path or one of its parent directories.
function lastMatch(rules: readonly CompiledRule[], path: string): CompiledRule | undefined {
  const parents: string[] = [];
  const parts = path.split("/");
  for (let i = 1; i < parts.length; i++) parents.push(parts.slice(0, i).join("/"));
  let found: CompiledRule | undefined;
  for (const r of rules) if (r.regex.test(path) || parents.some((p) => r.regex.test(p))) found = r;
  return found;
}

function mayIncludeUnder(rules: readonly CompiledRule[], dir: string): boolean {
  const excluding = lastMatch(rules, dir);
  if (excluding === undefined || excluding.exception) return true;
  const from = rules.indexOf(excluding) + 1;
  return rules.slice(from).some((r) => r.exception && couldMatchBelow(r.segments, 0, dir.split("/"), 0));
}

// Can a pattern (from segment pi) match a path strictly below dir (from segment di)? True when unsure.
function couldMatchBelow(pat: readonly string[], pi: number, dir: readonly string[], di: number): boolean {
  if (di === dir.length) return pi < pat.length;
  const seg = pat[pi];
  if (seg === undefined) return false;
  if (seg === "**") return pi === pat.length - 1 || couldMatchBelow(pat, pi + 1, dir, di) || couldMatchBelow(pat, pi, dir, di + 1);
  if (seg.includes("**")) return true;
  let re: RegExp;
  try {
    re = new RegExp(`^${patternSource(seg)}$`);
  } catch {
    return true;
  }
  return re.test(dir[di] ?? "") && couldMatchBelow(pat, pi + 1, dir, di + 1);
}

/**
 * A pattern → regular expression source, character by character as patternmatcher does. Within
 * one path segment it is Go's filepath.Match (what COPY's wildcards use): `**` is then just `*`.
 */
export function patternSource(pattern: string): string {
  let out = "";
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? "";
    if (c === "*") {
      if (chars[i + 1] === "*") {
        i++;
        if (chars[i + 1] === "/") i++;
        out += i + 1 >= chars.length ? ".*" : "(.*/)?";
      } else out += "[^/]*";
    } else if (c === "?") out += "[^/]";
    else if (c === "\\") {
      const next = chars[i + 1];
      out += next === undefined ? "\\" : `\\${chars[++i]}`;
    } else if (c === "[" || c === "]") out += c;
    else if (".+()|{}^$".includes(c)) out += `\\${c}`;
    else out += c;
  }
  return out;
}

/** Go's path.Clean: "" → ".", repeated and trailing "/" removed, "." and ".." resolved lexically. */
export function goClean(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out.at(-1) !== "..") out.pop();
      else if (!rooted) out.push("..");
    } else out.push(seg);
  }
  const joined = out.join("/");
  return rooted ? `/${joined}` : joined || ".";
}
