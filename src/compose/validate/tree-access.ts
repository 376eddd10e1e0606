// Small readers over the plain (already schema-validated) compose tree.

export type Obj = Readonly<Record<string, unknown>>;

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function objAt(v: unknown): Obj {
  return isObj(v) ? v : {};
}

export function listAt(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

// Keys of a "list or mapping of names" field (depends_on, networks, models), with the path
// segment that designates each entry.
export function namesOf(v: unknown): readonly { readonly name: string; readonly seg: string | number }[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => (typeof x === "string" ? [{ name: x, seg: i }] : []));
  if (isObj(v)) return Object.keys(v).map((k) => ({ name: k, seg: k }));
  return [];
}

// A reference `service:<name>` in network_mode / ipc / pid.
export function serviceRef(v: unknown): string | undefined {
  return typeof v === "string" && v.startsWith("service:") ? v.slice("service:".length) : undefined;
}
