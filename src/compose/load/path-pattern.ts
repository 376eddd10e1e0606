import type { TreePath } from "./errors.ts";

// "services.*.ports.*.target": `*` matches any one key or list index.
export type PathPattern = readonly string[];

export function pattern(dotted: string): PathPattern {
  return dotted.split(".");
}

export function matches(path: TreePath, pat: PathPattern): boolean {
  if (path.length !== pat.length) return false;
  for (let i = 0; i < pat.length; i++) {
    const p = pat[i];
    if (p !== "*" && p !== String(path[i])) return false;
  }
  return true;
}

export function findMatch<T>(path: TreePath, table: readonly (readonly [PathPattern, T])[]): T | undefined {
  for (const [pat, value] of table) if (matches(path, pat)) return value;
  return undefined;
}
