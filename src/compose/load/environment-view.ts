/**
 * Variables by name over several layers, the first layer that defines a name winning, without
 * copying any of them. The loader only asks for the names it needs (`Object.hasOwn`, indexing,
 * `in`), so a layer that records what it is asked (the CLI's project cache) learns exactly which
 * variables a project depends on; copying the process environment with a spread would read them
 * all. An entry whose value is `undefined` counts as absent. Enumerating (Object.keys, spread,
 * JSON) still works and lists the union. The view is read-only: writes throw.
 */
export function layeredEnvironment(
  layers: readonly Readonly<Record<string, string | undefined>>[],
): Readonly<Record<string, string>> {
  const find = (name: string): string | undefined => {
    for (const layer of layers) {
      if (!Object.hasOwn(layer, name)) continue;
      const v = layer[name];
      if (v !== undefined) return v;
    }
    return undefined;
  };
  // A plain object as the target so that Object.prototype methods and equality checks behave as
  // on the copy this view replaces.
  const target: Record<string, string> = {};
  return new Proxy(target, {
    get: (t, prop, receiver) => {
      if (typeof prop === "string") {
        const v = find(prop);
        if (v !== undefined) return v;
      }
      return Reflect.get(t, prop, receiver) as unknown;
    },
    has: (t, prop) => (typeof prop === "string" && find(prop) !== undefined) || Reflect.has(t, prop),
    getOwnPropertyDescriptor: (_t, prop) => {
      if (typeof prop !== "string") return undefined;
      const value = find(prop);
      // configurable: the target has no such property, and a proxy may only report a
      // non-configurable one that the target really has.
      return value === undefined ? undefined : { value, writable: false, enumerable: true, configurable: true };
    },
    ownKeys: () => {
      const keys = new Set<string>();
      for (const layer of layers) for (const [k, v] of Object.entries(layer)) if (v !== undefined) keys.add(k);
      return [...keys];
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}
