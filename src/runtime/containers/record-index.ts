import { ambiguous } from "./record-errors.ts";

// Lookup by full id, unique id prefix (at least one character, like Docker) or name.
export interface Identified {
  readonly id: string;
  readonly name: string;
}

export function findRecord<T extends Identified>(records: Iterable<T>, idOrName: string, kind: string): T | undefined {
  const key = idOrName.replace(/^\//, "");
  const all = [...records];
  const exact = all.find((r) => r.id === key) ?? all.find((r) => r.name === key);
  if (exact) return exact;
  if (!/^[a-f0-9]+$/.test(key)) return undefined;
  const prefixed = all.filter((r) => r.id.startsWith(key));
  if (prefixed.length > 1) throw ambiguous(kind, key);
  return prefixed[0];
}
