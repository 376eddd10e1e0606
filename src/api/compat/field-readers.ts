import { invalidArgument } from "../../common/errors.ts";

// Typed reads from a decoded JSON object; a value of the wrong type is a 400 naming the field.
export type Json = Readonly<Record<string, unknown>>;

const bad = (field: string, want: string, v: unknown) =>
  invalidArgument(`${field}: expected ${want}, got ${JSON.stringify(v)?.slice(0, 80)}`);

export function obj(o: Json, key: string, field: string): Json | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw bad(field, "an object", v);
  return v as Json;
}

export function str(o: Json, key: string, field: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw bad(field, "a string", v);
  return v;
}

export function num(o: Json, key: string, field: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw bad(field, "a number", v);
  return v;
}

export function bool(o: Json, key: string, field: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw bad(field, "a boolean", v);
  return v;
}

export function strList(o: Json, key: string, field: string): string[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  // Docker accepts a plain string for Cmd/Entrypoint (strslice): one element.
  if (typeof v === "string") return [v];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) throw bad(field, "a list of strings", v);
  return v as string[];
}

export function strMap(o: Json, key: string, field: string): Record<string, string> | undefined {
  const m = obj(o, key, field);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v !== "string") throw bad(`${field}.${k}`, "a string", v);
    out[k] = v;
  }
  return out;
}

export function list(o: Json, key: string, field: string): readonly unknown[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw bad(field, "a list", v);
  return v;
}

export function asObj(v: unknown, field: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad(field, "an object", v);
  return v as Json;
}
