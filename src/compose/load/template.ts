// Compose variable substitution: $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?e}, ${VAR?e},
// ${VAR:+a}, ${VAR+a}, nesting inside the argument, and $$ for a literal $. A `$` not followed by
// a name or `{` stays literal, as in compose.

export type VariableLookup = (name: string) => string | undefined;

export type TemplateErrorKind = "invalid" | "required";

export class TemplateError extends Error {
  constructor(
    readonly kind: TemplateErrorKind,
    message: string,
    readonly variable?: string,
  ) {
    super(message);
    this.name = "TemplateError";
  }
}

export interface SubstituteHooks {
  // Called for a variable used without a default that is not set (compose warns about these).
  readonly onUnset?: (name: string) => void;
}

const NAME_START = /[A-Za-z_]/;
const NAME_REST = /[A-Za-z0-9_]/;

export function substitute(template: string, lookup: VariableLookup, hooks: SubstituteHooks = {}): string {
  if (!template.includes("$")) return template;
  let out = "";
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf("$", i);
    if (dollar < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, dollar);
    const next = template[dollar + 1];
    if (next === "$") {
      out += "$";
      i = dollar + 2;
    } else if (next === "{") {
      const { value, end } = braced(template, dollar, lookup, hooks);
      out += value;
      i = end;
    } else if (next !== undefined && NAME_START.test(next)) {
      let j = dollar + 2;
      while (j < template.length && NAME_REST.test(template[j] as string)) j++;
      out += variable(template.slice(dollar + 1, j), lookup, hooks);
      i = j;
    } else {
      out += "$";
      i = dollar + 1;
    }
  }
  return out;
}

function variable(name: string, lookup: VariableLookup, hooks: SubstituteHooks): string {
  const v = lookup(name);
  if (v === undefined) hooks.onUnset?.(name);
  return v ?? "";
}

function invalid(template: string): TemplateError {
  return new TemplateError("invalid", `invalid interpolation format in ${JSON.stringify(template)}`);
}

type Op = ":-" | "-" | ":?" | "?" | ":+" | "+";

// Parses `${...}` starting at `start` (the `$`) and evaluates it; the argument after an operator
// is only substituted when it is used, so `${SET:-${UNSET:?x}}` does not fail.
function braced(
  template: string,
  start: number,
  lookup: VariableLookup,
  hooks: SubstituteHooks,
): { value: string; end: number } {
  let j = start + 2;
  if (j >= template.length || !NAME_START.test(template[j] as string)) throw invalid(template);
  while (j < template.length && NAME_REST.test(template[j] as string)) j++;
  const name = template.slice(start + 2, j);
  if (template[j] === "}") return { value: variable(name, lookup, hooks), end: j + 1 };
  let op: Op;
  const c = template[j];
  const c2 = template[j + 1];
  if (c === ":" && (c2 === "-" || c2 === "?" || c2 === "+")) op = `:${c2}`;
  else if (c === "-" || c === "?" || c === "+") op = c;
  else throw invalid(template);
  const argStart = j + op.length;
  let depth = 1;
  let k = argStart;
  for (; k < template.length; k++) {
    const ch = template[k];
    if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) break;
  }
  if (depth !== 0) throw invalid(template);
  const arg = template.slice(argStart, k);
  const value = lookup(name);
  const sub = () => substitute(arg, lookup, hooks);
  let result: string;
  switch (op) {
    case ":-":
      result = value === undefined || value === "" ? sub() : value;
      break;
    case "-":
      result = value === undefined ? sub() : value;
      break;
    case ":+":
      result = value !== undefined && value !== "" ? sub() : "";
      break;
    case "+":
      result = value !== undefined ? sub() : "";
      break;
    case ":?":
    case "?":
      if (value === undefined || (op === ":?" && value === "")) {
        const reason = sub();
        throw new TemplateError(
          "required",
          reason === ""
            ? `required variable ${name} is missing a value`
            : `required variable ${name} is missing a value: ${reason}`,
          name,
        );
      }
      result = value;
      break;
    default: {
      const never: never = op;
      throw new Error(`unknown operator ${String(never)}`);
    }
  }
  return { value: result, end: k + 1 };
}
