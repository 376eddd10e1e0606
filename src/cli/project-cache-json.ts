/**
 * Where `value` would not come back the same from `JSON.parse(JSON.stringify(value))` — the
 * first such place as a path like `$.services.web.ports[0]` with the reason — or undefined when it
 * would. The project cache stores only values that pass, so a cached project is exactly the one
 * a load returns: no member silently dropped (undefined, a symbol key), no type changed (Map, Date,
 * class instances, -0, NaN), no hole filled.
 */
export function jsonRoundTripIssue(value: unknown, path = "$"): string | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      if (!Number.isFinite(value)) return `${path}: ${value} becomes null`;
      if (Object.is(value, -0)) return `${path}: -0 becomes 0`;
      return undefined;
    case "undefined":
      return `${path}: undefined is dropped`;
    case "bigint":
    case "symbol":
    case "function":
      return `${path}: a ${typeof value} has no JSON form`;
    case "object":
      if (value === null) return undefined;
      return Array.isArray(value) ? arrayIssue(value, path) : objectIssue(value, path);
    default:
      return `${path}: unexpected ${typeof value}`;
  }
}

function arrayIssue(value: readonly unknown[], path: string): string | undefined {
  if (Object.getPrototypeOf(value) !== Array.prototype) return `${path}: not a plain array`;
  for (let i = 0; i < value.length; i++) {
    if (!Object.hasOwn(value, i)) return `${path}[${i}]: a hole becomes null`;
    const issue = jsonRoundTripIssue(value[i], `${path}[${i}]`);
    if (issue !== undefined) return issue;
  }
  // Named members of an array are lost.
  const extra = Object.getOwnPropertyNames(value).find((k) => k !== "length" && !/^(0|[1-9]\d*)$/.test(k));
  if (extra !== undefined) return `${path}.${extra}: a named member of an array is dropped`;
  return undefined;
}

function objectIssue(value: object, path: string): string | undefined {
  if (Object.getPrototypeOf(value) !== Object.prototype) return `${path}: not a plain object (${Object.prototype.toString.call(value)})`;
  if (Object.getOwnPropertySymbols(value).length > 0) return `${path}: symbol keys are dropped`;
  for (const key of Object.getOwnPropertyNames(value)) {
    const d = Object.getOwnPropertyDescriptor(value, key);
    const at = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
    if (d === undefined || !d.enumerable) return `${at}: a non-enumerable member is dropped`;
    if (d.get !== undefined || d.set !== undefined) return `${at}: an accessor becomes a value`;
    if (key === "toJSON") return `${at}: toJSON changes how the object is written`;
    const issue = jsonRoundTripIssue(d.value, at);
    if (issue !== undefined) return issue;
  }
  return undefined;
}
