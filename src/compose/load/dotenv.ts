import { loadError } from "./errors.ts";
import type { LoaderFs } from "./loader-fs.ts";
import { TemplateError, substitute } from "./template.ts";
import type { VariableLookup } from "./template.ts";

// Characters allowed in a variable name besides letters and digits (compose's dotenv dialect).
const NAME_EXTRA = new Set(["_", ".", "-", "[", "]"]);
const INLINE_SPACE = new Set(["\t", "\v", "\f", "\r", " ", "\u0085", "\u00a0"]);
const ESCAPES = /\\(?:[abcfnrtv$"\\]|0\d{0,3})/g;
const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  c: "\\c",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  '"': '"',
  "\\": "\\",
};

/**
 * Parses a .env / env_file text in compose's dialect: `KEY=value`, `KEY: value`, `export KEY=…`,
 * `# comments`, unquoted values (trailing ` #comment` dropped), 'single' (literal) and "double"
 * (escapes + interpolation) quoted values spanning lines, and a bare `KEY` that inherits its value
 * from `lookup`. Values are interpolated with `lookup` first, then with earlier keys of the file.
 * Errors carry `file:line`.
 */
export function parseDotenv(text: string, file: string, lookup: VariableLookup = () => undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const src = text.startsWith("\uFEFF") ? text.slice(1) : text;
  let i = 0;
  let line = 1;
  const fail = (detail: string, atLine = line): never => {
    throw loadError(`line ${atLine}: ${detail}`, { file, line: atLine, column: 1 });
  };
  const expand = (value: string, atLine: number): string => {
    try {
      return substitute(value, (name) => lookup(name) ?? (Object.hasOwn(out, name) ? out[name] : undefined));
    } catch (err) {
      if (err instanceof TemplateError) return fail(err.message, atLine);
      throw err;
    }
  };

  while (i < src.length) {
    // Skip blank space and comment lines up to the next statement.
    const ch = src[i] as string;
    if (ch === "\n") {
      line++;
      i++;
      continue;
    }
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "#") {
      const nl = src.indexOf("\n", i);
      i = nl < 0 ? src.length : nl;
      continue;
    }
    const stmtLine = line;
    const exported = /^export[ \t]+/.exec(src.slice(i, i + 64));
    if (exported !== null) i += exported[0].length;

    // Key, up to `=`, `:` or the end of the line.
    const keyStart = i;
    let terminator: string | undefined;
    for (; i < src.length; i++) {
      const c = src[i] as string;
      if (c === "=" || c === ":" || c === "\n") {
        terminator = c;
        break;
      }
      if (INLINE_SPACE.has(c) || NAME_EXTRA.has(c) || /[\p{L}\p{N}]/u.test(c)) continue;
      const lineText = src.slice(keyStart).split("\n")[0];
      fail(`unexpected character ${JSON.stringify(c)} in variable name ${JSON.stringify(lineText)}`);
    }
    const key = src.slice(keyStart, i).replace(/\s+$/u, "");
    if (/\s/.test(key)) fail("key cannot contain a space");
    if (terminator === undefined || terminator === "\n") {
      // A bare name takes its value from the environment, when there is one.
      const v = lookup(key);
      if (v !== undefined) out[key] = v;
      continue;
    }
    i++; // past = or :
    while (i < src.length && INLINE_SPACE.has(src[i] as string) && src[i] !== "\n") i++;

    const quote = src[i];
    if (quote === '"' || quote === "'") {
      let chars = "";
      let escaped = false;
      let closed = false;
      for (i++; i < src.length; i++) {
        const c = src[i] as string;
        if (c === "\n") line++;
        if (c !== quote) {
          if (!escaped && c === "\\") {
            escaped = true;
            continue;
          }
          if (escaped) {
            escaped = false;
            chars += "\\";
          }
          chars += c;
          continue;
        }
        if (escaped) {
          escaped = false;
          chars += c;
          continue;
        }
        closed = true;
        i++;
        break;
      }
      if (!closed) {
        const rest = src.slice(keyStart).split("\n")[0];
        fail(`unterminated quoted value: ${rest}`, stmtLine);
      }
      out[key] = quote === '"' ? expand(expandEscapes(chars), stmtLine) : chars;
      continue;
    }
    // Unquoted: to the end of the line, minus an inline " #comment" and trailing blanks.
    const nl = src.indexOf("\n", i);
    let value = src.slice(i, nl < 0 ? src.length : nl);
    i = nl < 0 ? src.length : nl;
    const hash = value.indexOf(" #");
    if (hash >= 0) value = value.slice(0, hash);
    out[key] = expand(value.replace(/\s+$/u, ""), stmtLine);
  }
  return out;
}

/**
 * Reads env files in order; later files may refer to variables of earlier ones, and `environment`
 * wins over both. Kept apart from the YAML side of the loader: the CLI's project cache re-reads a
 * project's .env on a hit without loading the parser.
 */
export async function readEnvFiles(
  files: readonly string[],
  environment: Readonly<Record<string, string>>,
  fs: LoaderFs,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const file of files) {
    const text = await fs.readFile(file);
    const parsed = parseDotenv(text, file, (name) =>
      Object.hasOwn(environment, name) ? environment[name] : Object.hasOwn(out, name) ? out[name] : undefined,
    );
    Object.assign(out, parsed);
  }
  return out;
}

function expandEscapes(value: string): string {
  return value.replace(ESCAPES, (m) => {
    // `\$` keeps a literal dollar through the interpolation that follows.
    if (m === "\\$") return "$$";
    if (m.startsWith("\\0")) {
      const digits = m.slice(2);
      return /^[0-7]{3}$/.test(digits) ? String.fromCharCode(Number.parseInt(digits, 8)) : m;
    }
    const c = m[1] as string;
    return SIMPLE_ESCAPES[c] === "\\c" ? m : (SIMPLE_ESCAPES[c] ?? m);
  });
}
