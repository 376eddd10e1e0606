import type { SourcePosition, TreePath } from "./errors.ts";

type Key = string | number;

// Source positions of a plain tree, kept beside it rather than inside it so the tree stays
// JSON. Each container (object or array) maps its keys/indices to where that entry was written.
// Phases that rebuild containers (merge, clone) copy entries with `copy`; phases that only
// replace scalar values in place (interpolation) need do nothing.
export class PositionIndex {
  readonly #entries = new WeakMap<object, Map<Key, SourcePosition>>();
  readonly #self = new WeakMap<object, SourcePosition>();

  set(container: object, key: Key, pos: SourcePosition | undefined): void {
    if (pos === undefined) return;
    let m = this.#entries.get(container);
    if (m === undefined) {
      m = new Map();
      this.#entries.set(container, m);
    }
    m.set(key, pos);
  }

  get(container: object, key: Key): SourcePosition | undefined {
    return this.#entries.get(container)?.get(key);
  }

  // Position of a container as a whole (used for document roots).
  setSelf(container: object, pos: SourcePosition): void {
    this.#self.set(container, pos);
  }

  getSelf(container: object): SourcePosition | undefined {
    return this.#self.get(container);
  }

  copy(from: object, fromKey: Key, to: object, toKey: Key): void {
    this.set(to, toKey, this.get(from, fromKey));
  }

  // The deepest known position along `path` from `root`: the exact entry when it was recorded,
  // else its nearest recorded ancestor.
  lookup(root: unknown, path: TreePath): SourcePosition | undefined {
    let best = typeof root === "object" && root !== null ? this.#self.get(root) : undefined;
    let node: unknown = root;
    for (const seg of path) {
      if (typeof node !== "object" || node === null) break;
      const pos = this.get(node, seg);
      if (pos !== undefined) best = pos;
      node = Array.isArray(node)
        ? typeof seg === "number"
          ? node[seg]
          : undefined
        : Object.hasOwn(node, String(seg))
          ? (node as Record<string, unknown>)[String(seg)]
          : undefined;
    }
    return best;
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// Assign even the key "__proto__" as an own data property.
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

// Deep copy of a plain tree, carrying positions over to the copies.
export function cloneTree<T>(value: T, positions: PositionIndex): T {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    value.forEach((v, i) => {
      out.push(cloneTree(v, positions));
      positions.copy(value, i, out, i);
    });
    return out as T;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      setOwn(out, k, cloneTree(v, positions));
      positions.copy(value, k, out, k);
    }
    const self = positions.getSelf(value);
    if (self !== undefined) positions.setSelf(out, self);
    return out as T;
  }
  return value;
}
