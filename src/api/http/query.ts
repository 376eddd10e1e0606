import { invalidArgument } from "../../common/errors.ts";

// Docker's query conventions: booleans as 1/true/True/0/false, filters as JSON
// `{"key": ["v1","v2"]}` (or the legacy `{"key": {"v1": true}}`).

export function queryBool(q: URLSearchParams, key: string, dflt = false): boolean {
  const v = q.get(key);
  if (v === null || v === "") return dflt;
  const l = v.toLowerCase();
  if (l === "1" || l === "true") return true;
  if (l === "0" || l === "false") return false;
  throw invalidArgument(`invalid boolean value ${JSON.stringify(v)} for query parameter ${key}`);
}

export function queryInt(q: URLSearchParams, key: string): number | undefined {
  const v = q.get(key);
  if (v === null || v === "") return undefined;
  if (!/^-?\d+$/.test(v)) throw invalidArgument(`invalid integer value ${JSON.stringify(v)} for query parameter ${key}`);
  return Number(v);
}

export type Filters = ReadonlyMap<string, readonly string[]>;

export function parseFilters(raw: string | null): Filters {
  const out = new Map<string, string[]>();
  if (!raw) return out;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw invalidArgument(`invalid filters: ${(err as Error).message}`, err);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw invalidArgument("invalid filters: expected a JSON object");
  for (const [k, val] of Object.entries(v)) {
    if (Array.isArray(val)) out.set(k, val.map(String));
    else if (typeof val === "object" && val !== null) out.set(k, Object.entries(val).filter(([, on]) => on === true).map(([x]) => x));
    else throw invalidArgument(`invalid filters: values of ${k} must be a list`);
  }
  return out;
}

/** Refuses filter keys the endpoint does not know, as Docker does ("invalid filter 'x'"). */
export function checkFilterKeys(f: Filters, allowed: readonly string[]): void {
  for (const k of f.keys()) if (!allowed.includes(k)) throw invalidArgument(`invalid filter '${k}'`);
}

/** `label` filter values: `key` (present) or `key=value`; all must match. */
export function labelsMatch(labels: Readonly<Record<string, string>>, wanted: readonly string[] | undefined): boolean {
  if (!wanted) return true;
  return wanted.every((w) => {
    const i = w.indexOf("=");
    if (i < 0) return Object.hasOwn(labels, w);
    return labels[w.slice(0, i)] === w.slice(i + 1);
  });
}
