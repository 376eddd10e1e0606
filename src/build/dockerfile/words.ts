import { isSpace } from "./shell-lexer.ts";

// The ways BuildKit's parser cuts an instruction's text before any expansion
// (frontend/dockerfile/parser/line_parsers.go). Quotes and escapes are kept here: expansion
// (src/build/expand) removes them later, as BuildKit does.

/**
 * Splits on unquoted whitespace, keeping quotes and escape characters in the words
 * (ENV/LABEL key=value lists, ARG lists). A '...' cannot contain an escape; "..." can.
 */
export function parseWords(rest: string, escape: string): string[] {
  const words: string[] = [];
  const chars = Array.from(rest);
  let word = "";
  let inWord = false;
  let quote = "";
  let blankOk = false;
  for (let i = 0; i < chars.length; i++) {
    let ch = chars[i] ?? "";
    if (!inWord) {
      if (isSpace(ch)) continue;
      inWord = true;
    }
    if (quote === "") {
      if (isSpace(ch)) {
        if (blankOk || word.length > 0) words.push(word);
        word = "";
        blankOk = false;
        inWord = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
      } else if (ch === escape) {
        if (i + 1 === chars.length) continue;
        word += ch;
        ch = chars[++i] ?? "";
      }
      word += ch;
    } else {
      if (ch === quote) quote = "";
      else if (ch === escape && quote !== "'") {
        if (i + 1 === chars.length) continue;
        word += ch;
        ch = chars[++i] ?? "";
      }
      word += ch;
    }
  }
  if (inWord && (blankOk || word.length > 0)) words.push(word);
  return words;
}

/** Splits on any whitespace run, quotes not considered (COPY/ADD/EXPOSE/VOLUME word lists). */
export function splitWhitespace(rest: string): string[] {
  return rest.split(/[ \t\r\n\v\f]+/).filter((w) => w !== "");
}

export interface LeadingFlags {
  /** Each flag without its leading `--`, e.g. `from=build`, `link`. */
  readonly flags: readonly string[];
  readonly rest: string;
}

/**
 * Takes the `--name[=value]` words off the front of an instruction's arguments, with quotes and
 * backslashes inside a flag word handled; stops at the first word not starting with `--`, or
 * after a lone `--`.
 */
export function extractLeadingFlags(line: string): LeadingFlags {
  const flags: string[] = [];
  let pos = 0;
  for (;;) {
    while (pos < line.length && isSpace(line[pos] ?? "")) pos++;
    if (pos >= line.length) return { flags, rest: "" };
    if (!line.startsWith("--", pos)) return { flags, rest: line.slice(pos) };
    let word = "";
    let quote = "";
    let blankOk = false;
    for (; pos < line.length; pos++) {
      let ch = line[pos] ?? "";
      if (quote === "" && isSpace(ch)) break;
      if (quote === "" && (ch === "'" || ch === '"')) {
        quote = ch;
        blankOk = true;
        continue;
      }
      if (quote !== "" && ch === quote) {
        quote = "";
        continue;
      }
      if (ch === "\\") {
        if (pos + 1 === line.length) continue;
        ch = line[++pos] ?? "";
      }
      word += ch;
    }
    if (word === "--") return { flags, rest: line.slice(pos).replace(/^\s+/, "") };
    if (blankOk || word.length > 0) flags.push(word.slice(2));
  }
}

export type JsonArray =
  | { readonly kind: "json"; readonly items: readonly string[] }
  | { readonly kind: "not-json" }
  | { readonly kind: "invalid"; readonly message: string };

/**
 * `["a", "b"]` is the exec (JSON) form. Text that does not parse as a JSON array is shell form,
 * silently, as in Docker; a JSON array holding anything but strings is an error.
 */
export function parseJsonArray(rest: string): JsonArray {
  const text = rest.trimStart();
  if (!text.startsWith("[")) return { kind: "not-json" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: "not-json" };
  }
  if (!Array.isArray(value)) return { kind: "not-json" };
  if (!value.every((v): v is string => typeof v === "string"))
    return { kind: "invalid", message: "when using JSON array syntax, arrays must be comprised of strings only" };
  return { kind: "json", items: value };
}
