// Readers that turn the tree's flexible shapes (list or mapping, string or list) into one form.
import { isObj, listAt, objAt } from "../validate/tree-access.ts";

export { isObj, listAt, objAt };

function scalarString(v: unknown): string {
  return typeof v === "string" ? v : String(v);
}

/** list_or_dict → mapping. `KEY` alone (list) or a null value (mapping) gives null. */
export function dictOf(v: unknown): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(v)) {
    for (const item of v) {
      if (typeof item !== "string") continue;
      const i = item.indexOf("=");
      if (i < 0) out[item] = null;
      else out[item.slice(0, i)] = item.slice(i + 1);
    }
  } else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) out[k] = x === null || x === undefined ? null : scalarString(x);
  }
  return out;
}

/** Like dictOf, for fields where a missing value means "" (labels, sysctls, options). */
export function stringDictOf(v: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(dictOf(v)).map(([k, x]) => [k, x ?? ""]));
}

export function stringListOf(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return [v];
  return listAt(v).map(scalarString);
}

export function optString(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : scalarString(v);
}

/** Copies defined entries only, so absent and undefined compare (and hash) the same. */
export function defined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as T;
}

export function extensionsOf(v: unknown): Record<`x-${string}`, unknown> {
  return Object.fromEntries(Object.entries(objAt(v)).filter(([k]) => k.startsWith("x-"))) as Record<`x-${string}`, unknown>;
}
