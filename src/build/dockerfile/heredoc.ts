import { LexError, processWord } from "./shell-lexer.ts";
import { extractLeadingFlags, parseJsonArray } from "./words.ts";

// Heredocs (`<<EOF`, `<<-EOF`, `<<'EOF'`, `3<<EOF`) as BuildKit finds them: only in RUN, COPY and
// ADD (also behind ONBUILD), only in shell form, any number on one line, bodies read in order
// after the instruction's logical line.

/** One heredoc: its delimiter, and its body as written (chomp not yet applied). */
export interface Heredoc {
  readonly name: string;
  /** Every body line followed by "\n"; with `<<-` the leading tabs are still there (see chompHeredoc). */
  readonly content: string;
  /** False when the delimiter was quoted (`<<'EOF'`, `<<"EOF"`): no expansion of the body. */
  readonly expand: boolean;
  /** `<<-`: leading tabs are stripped from body lines and the delimiter line. */
  readonly chomp: boolean;
  /** The file descriptor written before `<<` (e.g. `3<<EOF`), when there was one. */
  readonly fd?: number;
}

export type HeredocMarker = Omit<Heredoc, "content">;

const HEREDOC_WORD = /^(\d*)<<(-?)([^<]*)$/;
const noVars = () => undefined;

/** The heredoc a single word opens (`<<EOF`, `<<-'X'`), or undefined when it is not one. */
export function parseHeredocWord(word: string): HeredocMarker | undefined {
  const m = HEREDOC_WORD.exec(word);
  const rest = m?.[3] ?? "";
  if (m === null || rest === "") return undefined;
  const plain = processWord(rest, noVars, { escape: "\\", skipUnset: true }).words;
  if (plain.length !== 1) return undefined;
  const raw = processWord(rest, noVars, { escape: "\\", skipUnset: true, rawQuotes: true }).words;
  const name = plain[0] ?? "";
  const quotes = (s: string) => (s.match(/['"]/g) ?? []).length;
  const fd = m[1] === "" ? undefined : Number(m[1]);
  return {
    name,
    expand: quotes(name) === quotes(raw[0] ?? ""),
    chomp: m[2] === "-",
    ...(fd === undefined ? {} : { fd }),
  };
}

/** The heredocs an instruction's logical line opens, in order. */
export function heredocMarkers(line: string): HeredocMarker[] {
  if (!line.includes("<<") || !canContainHeredoc(line)) return [];
  let words: readonly string[];
  try {
    words = processWord(line, noVars, { escape: "\\", rawQuotes: true, rawEscapes: true, skipUnset: true }).words;
  } catch (err) {
    if (err instanceof LexError) return [];
    throw err;
  }
  return words.flatMap((w) => parseHeredocWord(w) ?? []);
}

const HEREDOC_INSTRUCTIONS = new Set(["run", "copy", "add"]);

function canContainHeredoc(line: string): boolean {
  let [keyword = "", rest = ""] = splitKeyword(line);
  if (keyword === "onbuild") [keyword = "", rest = ""] = splitKeyword(rest);
  if (!HEREDOC_INSTRUCTIONS.has(keyword)) return false;
  return parseJsonArray(extractLeadingFlags(rest).rest).kind !== "json";
}

function splitKeyword(line: string): [string, string] {
  const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(line);
  return [m?.[1]?.toLowerCase() ?? "", m?.[2] ?? ""];
}

/** Heredocs put back after their command's line, as a shell reads them (bodies unchomped). */
export function heredocsAsText(heredocs: readonly Heredoc[]): string {
  return heredocs.map((h) => `\n${h.content}${h.name}`).join("");
}

/** A `<<-` body as the shell would see it: leading tabs removed from every line. */
export function chompHeredoc(content: string): string {
  return content.replace(/^\t+/gm, "");
}

/** True when a physical line is the delimiter that ends the heredoc's body. */
export function isHeredocEnd(marker: HeredocMarker, line: string): boolean {
  return (marker.chomp ? line.replace(/^\t+/, "") : line) === marker.name;
}
