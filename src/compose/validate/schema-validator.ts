import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import type { TreePath } from "./input.ts";

/** One schema violation, reduced to the most specific ajv error. */
export interface SchemaViolation {
  readonly path: TreePath;
  readonly message: string;
}

export type SchemaCheck = (tree: unknown) => SchemaViolation | undefined;

/** A schema check over a compiled validator (compiled now, or at build time). */
export function checkOf(validate: ValidateFunction): SchemaCheck {
  return (tree) => {
    if (validate(tree)) return undefined;
    return mostSpecific(tree, validate.errors ?? []);
  };
}

// Keywords that only summarise failures found deeper; they lose ties against the real cause.
const SUMMARY_KEYWORDS = new Set(["if", "then", "else", "oneOf", "anyOf", "allOf", "propertyNames", "not", "$ref"]);

function pathOf(tree: unknown, err: ErrorObject): TreePath {
  const segs = err.instancePath === "" ? [] : err.instancePath.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  const out: (string | number)[] = [];
  let node: unknown = tree;
  for (const s of segs) {
    if (Array.isArray(node)) {
      const i = Number(s);
      out.push(i);
      node = node[i];
    } else {
      out.push(s);
      node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[s] : undefined;
    }
  }
  // Errors about one key of an object point at that key.
  const extra = namedKey(err);
  if (extra !== undefined) out.push(extra);
  return out;
}

function namedKey(err: ErrorObject): string | undefined {
  if (err.keyword === "additionalProperties") return String((err.params as { additionalProperty: string }).additionalProperty);
  if (err.propertyName !== undefined) return err.propertyName;
  return undefined;
}

/**
 * Picks the error closest to the cause: the deepest instance path wins (an error that names
 * a key counts one level deeper than its object); among equals, a concrete keyword beats a
 * summary (if/oneOf/...), and a type error beats a pattern on the same value.
 */
export function mostSpecific(tree: unknown, errors: readonly ErrorObject[]): SchemaViolation | undefined {
  let best: { err: ErrorObject; path: TreePath; score: number } | undefined;
  for (const err of errors) {
    const path = pathOf(tree, err);
    const rank = SUMMARY_KEYWORDS.has(err.keyword) && err.propertyName === undefined ? 0 : err.keyword === "pattern" ? 1 : 2;
    const score = path.length * 10 + rank;
    if (!best || score > best.score) best = { err, path, score };
  }
  return best && { path: best.path, message: describe(best.err, valueAt(tree, best.path)) };
}

function valueAt(tree: unknown, path: TreePath): unknown {
  let node = tree;
  for (const seg of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  number: "a number",
  integer: "an integer",
  boolean: "a boolean",
  null: "null",
};

function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

// What a named pattern in the schema's $defs means, for messages.
const PATTERN_MEANING: Readonly<Record<string, string>> = {
  bool: "a boolean (true or false)",
  int: "an integer",
  uint: "a non-negative integer",
  number: "a number",
  bytes: "a byte size such as 512m or 1g",
  duration: "a duration such as 30s or 1m30s",
};

function describe(err: ErrorObject, value: unknown): string {
  const p = err.params as Record<string, unknown>;
  if (err.propertyName !== undefined) {
    const why = err.keyword === "pattern" ? `must match ${String(p.pattern)}` : (err.message ?? "is invalid");
    return `invalid name ${show(err.propertyName)}: ${why}`;
  }
  switch (err.keyword) {
    case "type": {
      const types = String(p.type).split(",");
      const wanted = [...new Set(types.map((t) => TYPE_NAMES[t] ?? t))].sort();
      return `must be ${joinOr(wanted)}, not ${kindOf(value)}`;
    }
    case "additionalProperties":
      return `additional property ${show(p.additionalProperty)} is not allowed`;
    case "required":
      return `missing property ${show(p.missingProperty)}`;
    case "enum":
      return `must be one of ${joinOr((p.allowedValues as unknown[]).map(show))}, not ${show(value)}`;
    case "const":
      return `must be ${show(p.allowedValue)}, not ${show(value)}`;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return `must be ${String(p.comparison)} ${String(p.limit)}, not ${show(value)}`;
    case "uniqueItems":
      return `must not contain duplicate items (items ${String(p.j)} and ${String(p.i)} are equal)`;
    case "pattern": {
      const def = /\/\$defs\/([a-z_]+)\/pattern$/.exec(err.schemaPath)?.[1];
      const meaning = def !== undefined ? PATTERN_MEANING[def] : undefined;
      return meaning ? `must be ${meaning}, not ${show(value)}` : `${show(value)} must match ${String(p.pattern)}`;
    }
    case "minLength":
      return "must not be empty";
    default:
      return err.message ?? `is invalid (${err.keyword})`;
  }
}

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  switch (typeof v) {
    case "object":
      return "a mapping";
    case "string":
      return `the string ${show(v)}`;
    case "number":
      return `the number ${String(v)}`;
    case "boolean":
      return `the boolean ${String(v)}`;
    default:
      return typeof v;
  }
}
