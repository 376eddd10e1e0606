// BuildKit's word processing (frontend/dockerfile/shell/lex.go): quotes, the escape character and
// $VAR, ${VAR}, ${VAR:-w}, ${VAR-w}, ${VAR:+w}, ${VAR+w}, ${VAR:?w}, ${VAR?w}. It is not the
// compose interpolation of src/compose/load/template.ts: here quotes are removed, '...' stops
// expansion, the escape character (\ or `) escapes, `$$` is the (empty) special parameter `$`, and
// an unquoted expansion is split into words by processWords.

/** Returns the value of a variable, or undefined when it is not set. */
export type VariableLookup = (name: string) => string | undefined;

export interface LexOptions {
  readonly escape: string;
  /** Keep quote characters in the result (heredoc delimiters, heredoc bodies). */
  readonly rawQuotes?: boolean;
  /** Keep escape characters outside quotes in the result (heredoc detection). */
  readonly rawEscapes?: boolean;
  /** Leave a reference to an unset variable as written instead of expanding it to "". */
  readonly skipUnset?: boolean;
}

export interface LexResult {
  /** The text with quotes removed and variables expanded, whitespace kept. */
  readonly word: string;
  /** The same split into words (quoted text is never split; expansions outside quotes are). */
  readonly words: readonly string[];
  /** Names that were looked up and set. */
  readonly matched: ReadonlySet<string>;
  /** Names that were looked up and unset. */
  readonly unmatched: ReadonlySet<string>;
}

export class LexError extends Error {
  override readonly name = "LexError";
}

const EOF = "";
const SPECIAL_PARAMS = new Set(["@", "*", "#", "?", "-", "$", "!", "0"]);

export function processWord(text: string, lookup: VariableLookup, options: LexOptions): LexResult {
  return new Lexer(text, lookup, options).run();
}

/** processWord, with a LexError turned into the caller's error (one naming FILE:LINE). */
export function processWordOr(text: string, lookup: VariableLookup, options: LexOptions, fail: (err: LexError) => Error): LexResult {
  try {
    return processWord(text, lookup, options);
  } catch (err) {
    throw err instanceof LexError ? fail(err) : err;
  }
}

class Words {
  private word = "";
  private inWord = false;
  readonly words: string[] = [];
  addChar(ch: string): void {
    if (isSpace(ch)) {
      if (this.inWord && this.word.length > 0) {
        this.words.push(this.word);
        this.word = "";
        this.inWord = false;
      }
    } else this.addRaw(ch);
  }
  addRaw(s: string): void {
    this.word += s;
    this.inWord = true;
  }
  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }
  finish(): string[] {
    if (this.word.length > 0) this.words.push(this.word);
    this.word = "";
    return this.words;
  }
}

class Lexer {
  private readonly chars: readonly string[];
  private pos = 0;
  private readonly matched = new Set<string>();
  private readonly unmatched = new Set<string>();

  constructor(
    text: string,
    private readonly lookup: VariableLookup,
    private readonly opt: LexOptions,
  ) {
    this.chars = Array.from(text);
  }

  run(): LexResult {
    const { word, words } = this.processStopOn(EOF);
    return { word, words, matched: this.matched, unmatched: this.unmatched };
  }

  private peek(): string {
    return this.chars[this.pos] ?? EOF;
  }

  private next(): string {
    const ch = this.chars[this.pos] ?? EOF;
    if (ch !== EOF) this.pos++;
    return ch;
  }

  private processStopOn(stop: string): { word: string; words: string[] } {
    let result = "";
    const words = new Words();
    while (this.peek() !== EOF) {
      const ch = this.peek();
      if (stop !== EOF && ch === stop) {
        this.next();
        return { word: result, words: words.finish() };
      }
      if (ch === "'" || ch === '"' || ch === "$") {
        const part = ch === "'" ? this.singleQuote() : ch === '"' ? this.doubleQuote() : this.dollar();
        result += part;
        if (ch === "$") words.addString(part);
        else words.addRaw(part);
        continue;
      }
      let c = this.next();
      if (c === this.opt.escape) {
        if (this.opt.rawEscapes) {
          words.addRaw(c);
          result += c;
        }
        c = this.next();
        if (c === EOF) break;
        words.addRaw(c);
      } else words.addChar(c);
      result += c;
    }
    if (stop !== EOF) throw new LexError(`unexpected end of statement while looking for matching ${stop}`);
    return { word: result, words: words.finish() };
  }

  private singleQuote(): string {
    // Everything up to the next ' is literal; a ' cannot be escaped inside.
    let result = this.opt.rawQuotes ? this.next() : (this.next(), "");
    for (;;) {
      const c = this.next();
      if (c === EOF) throw new LexError("unexpected end of statement while looking for matching single-quote");
      if (c === "'") return this.opt.rawQuotes ? result + c : result;
      result += c;
    }
  }

  private doubleQuote(): string {
    // Literal except $ expansions; the escape character escapes only ", $ and itself.
    let result = this.opt.rawQuotes ? this.next() : (this.next(), "");
    for (;;) {
      const p = this.peek();
      if (p === EOF) throw new LexError("unexpected end of statement while looking for matching double-quote");
      if (p === '"') {
        const c = this.next();
        return this.opt.rawQuotes ? result + c : result;
      }
      if (p === "$") {
        result += this.dollar();
        continue;
      }
      let c = this.next();
      if (c === this.opt.escape) {
        if (this.opt.rawEscapes) result += c;
        const n = this.peek();
        if (n === EOF) continue;
        if (n === '"' || n === "$" || n === this.opt.escape) c = this.next();
      }
      result += c;
    }
  }

  private get(name: string): string | undefined {
    const v = this.lookup(name);
    if (v === undefined) this.unmatched.add(name);
    else this.matched.add(name);
    return v;
  }

  private dollar(): string {
    this.next();
    if (this.peek() !== "{") {
      const name = this.name();
      if (name === "") return "$";
      const v = this.get(name);
      if (v === undefined && this.opt.skipUnset) return `$${name}`;
      return v ?? "";
    }
    this.next();
    const first = this.peek();
    if (first === EOF) throw new LexError("syntax error: missing '}'");
    if (first === "{" || first === "}" || first === ":") throw new LexError("syntax error: bad substitution");
    const name = this.name();
    const op = this.next();
    if (op === "}") {
      const v = this.get(name);
      if (v === undefined && this.opt.skipUnset) return `\${${name}}`;
      return v ?? "";
    }
    if (op === ":") {
      const modifier = this.next();
      const word = this.modifierWord();
      const v = this.get(name);
      switch (modifier) {
        case "-":
          return v === undefined || v === "" ? word : v;
        case "+":
          return v === undefined || v === "" ? "" : word;
        case "?":
          if (v === undefined) {
            if (this.opt.skipUnset) return `\${${name}:?${word}}`;
            throw new LexError(`${name}: ${word || "is not allowed to be unset"}`);
          }
          if (v === "") throw new LexError(`${name}: ${word || "is not allowed to be empty"}`);
          return v;
        default:
          throw new LexError(`unsupported modifier (${modifier}) in substitution`);
      }
    }
    if (op === "-" || op === "+" || op === "?") {
      const word = this.modifierWord();
      const v = this.get(name);
      if (op === "-") return v ?? word;
      if (op === "+") return v === undefined ? "" : word;
      if (v === undefined) {
        if (this.opt.skipUnset) return `\${${name}?${word}}`;
        throw new LexError(`${name}: ${word || "is not allowed to be unset"}`);
      }
      return v;
    }
    if (op === EOF) throw new LexError("syntax error: missing '}'");
    throw new LexError(`unsupported modifier (${op}) in substitution`);
  }

  // The word after a modifier, itself expanded (nesting allowed), up to the closing brace.
  private modifierWord(): string {
    try {
      return this.processStopOn("}").word;
    } catch (err) {
      if (this.peek() === EOF) throw new LexError("syntax error: missing '}'");
      throw err;
    }
  }

  private name(): string {
    let name = "";
    for (;;) {
      const c = this.peek();
      if (c === EOF) return name;
      if (name === "" && isDigit(c)) {
        while (isDigit(this.peek())) name += this.next();
        return name;
      }
      if (name === "" && SPECIAL_PARAMS.has(c)) return this.next();
      if (!/[\p{L}\p{Nd}_]/u.test(c)) return name;
      name += this.next();
    }
  }
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9" && c !== "";
}

export function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\v" || c === "\f" || c === "\u00a0" || c === "\u0085";
}
