import { fail, ok, type ParseResult } from "./parse-result.ts";

/**
 * Splits a command string into words the way compose does (POSIX shell quoting: '...', "...",
 * backslash escapes; no expansion), so `command: echo "a b"` equals `command: [echo, "a b"]`.
 */
export function splitShellWords(input: string): ParseResult<readonly string[]> {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < input.length; i++) {
    const c = input[i] ?? "";
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && i + 1 < input.length && '"\\$`\n'.includes(input[i + 1] ?? "")) word += input[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\") {
      if (i + 1 < input.length) word += input[++i];
      inWord = true;
    } else if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return fail(`unterminated ${quote} quote in ${JSON.stringify(input)}`);
  if (inWord) words.push(word);
  return ok(words);
}
