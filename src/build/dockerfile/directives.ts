// Parser directives: `# name=value` lines at the very top of a Dockerfile. As in BuildKit, they end
// at the first line that is not a directive (a comment, a blank line, an instruction, or an
// unknown directive, which is then just a comment); each may appear once. `syntax` is recorded
// only (tstack has one frontend), `escape` picks the escape character, `check` is recorded.

export type EscapeChar = "\\" | "`";

export interface Directives {
  readonly escape: EscapeChar;
  readonly syntax?: string;
  readonly check?: string;
}

export type DirectiveLine =
  | { readonly kind: "directive"; readonly name: "syntax" | "escape" | "check"; readonly value: string }
  | { readonly kind: "end" };

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const KNOWN = new Set(["syntax", "escape", "check"]);

/** Classifies one physical line while directives are still being read. */
export function readDirectiveLine(line: string): DirectiveLine {
  const m = DIRECTIVE.exec(line.trimStart());
  const name = m?.[1]?.toLowerCase();
  if (m === null || name === undefined || !KNOWN.has(name)) return { kind: "end" };
  return { kind: "directive", name: name as "syntax" | "escape" | "check", value: m[2] ?? "" };
}

/** Folds directive lines into Directives; throws a plain Error whose message the caller locates. */
export function applyDirective(d: Directives, seen: Set<string>, line: Extract<DirectiveLine, { kind: "directive" }>): Directives {
  if (seen.has(line.name)) throw new Error(`only one ${line.name} parser directive can be used`);
  seen.add(line.name);
  switch (line.name) {
    case "escape":
      if (line.value !== "\\" && line.value !== "`")
        throw new Error(`invalid escape token '${line.value}' does not match \` or \\`);
      return { ...d, escape: line.value };
    case "syntax":
      return { ...d, syntax: line.value };
    case "check":
      return { ...d, check: line.value };
  }
}
