import { describe, expect, it } from "vitest";
import { processWord, type LexOptions } from "./shell-lexer.ts";

const env: Record<string, string> = { A: "a", EMPTY: "", SP: "x  y", PATH: "/bin" };
const lookup = (n: string) => env[n];
const bs: LexOptions = { escape: "\\" };
const word = (s: string, o: LexOptions = bs) => processWord(s, lookup, o).word;
const words = (s: string, o: LexOptions = bs) => processWord(s, lookup, o).words;

describe("processWord", () => {
  it.each([
    ["$A", "a"],
    ["${A}", "a"],
    ["pre${A}post", "preapost"],
    ["$UNSET", ""],
    ["${UNSET:-dflt}", "dflt"],
    ["${EMPTY:-dflt}", "dflt"],
    ["${EMPTY-dflt}", ""],
    ["${UNSET-dflt}", "dflt"],
    ["${A:+alt}", "alt"],
    ["${EMPTY:+alt}", ""],
    ["${EMPTY+alt}", "alt"],
    ["${UNSET+alt}", ""],
    ["${UNSET:-${A}x}", "ax"],
    ["'$A'", "$A"],
    ['"$A"', "a"],
    ['"\\$A"', "$A"],
    ["\\$A", "$A"],
    ['"a\\nb"', "a\\nb"],
    ["$", "$"],
    ["a$", "a$"],
    ["$$", ""],
    ["${A}${A}", "aa"],
    ["x  y", "x  y"],
  ])("%s → %s", (input, out) => {
    expect(word(input)).toBe(out);
  });

  it("uses the backtick as the escape character when told to", () => {
    const tick: LexOptions = { escape: "`" };
    expect(word("C:\\app\\$A", tick)).toBe("C:\\app\\a");
    expect(word("`$A", tick)).toBe("$A");
  });

  it("reports the variables it used and those that were unset", () => {
    const r = processWord("$A ${B:-x} '$C' ${EMPTY}", lookup, bs);
    expect([...r.matched].sort()).toEqual(["A", "EMPTY"]);
    expect([...r.unmatched]).toEqual(["B"]);
  });

  it("fails on required variables and bad syntax", () => {
    expect(() => word("${UNSET:?must be set}")).toThrow("UNSET: must be set");
    expect(() => word("${EMPTY:?}")).toThrow("EMPTY: is not allowed to be empty");
    expect(() => word("${UNSET?}")).toThrow("is not allowed to be unset");
    expect(word("${EMPTY?}")).toBe("");
    expect(() => word("${A")).toThrow("missing '}'");
    expect(() => word("${}")).toThrow("bad substitution");
    expect(() => word("${A#x}")).toThrow("unsupported modifier (#)");
    expect(() => word("'abc")).toThrow("single-quote");
    expect(() => word('"abc')).toThrow("double-quote");
  });

  it("keeps quotes and unset references when asked (heredoc delimiters)", () => {
    expect(word("'EOF'", { escape: "\\", rawQuotes: true })).toBe("'EOF'");
    expect(word("$X ${Y}", { escape: "\\", skipUnset: true })).toBe("$X ${Y}");
  });
});

describe("processWord words", () => {
  it("splits unquoted text and unquoted expansions, never quoted text", () => {
    expect(words("a b  c")).toEqual(["a", "b", "c"]);
    expect(words("$SP z")).toEqual(["x", "y", "z"]);
    expect(words('"$SP" z')).toEqual(["x  y", "z"]);
    expect(words("'a b'c")).toEqual(["a bc"]);
    expect(words('"" a')).toEqual(["a"]);
    expect(words("a\\ b")).toEqual(["a b"]);
  });
});
