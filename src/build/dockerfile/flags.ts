// An instruction's `--name[=value]` flags checked against what that instruction takes (BuildKit's
// BFlags). A flag Docker has but tstack does not build (`COPY --parents`, `RUN --security`) is
// "unsupported" and rejected by name, so the user learns it is not a typo.

export type FlagKind = "string" | "bool" | "strings" | "unsupported";
export type FlagSpec = Readonly<Record<string, FlagKind>>;

export type FlagValues<S extends FlagSpec> = {
  readonly [K in keyof S]: S[K] extends "string"
    ? string | undefined
    : S[K] extends "bool"
      ? boolean
      : S[K] extends "strings"
        ? readonly string[]
        : never;
};

/** Throws a plain Error whose message the caller locates (file:line). */
export function parseFlags<S extends FlagSpec>(instruction: string, words: readonly string[], spec: S): FlagValues<S> {
  const out: Record<string, string | boolean | string[] | undefined> = {};
  for (const [name, kind] of Object.entries(spec)) out[name] = kind === "bool" ? false : kind === "strings" ? [] : undefined;
  const seen = new Set<string>();
  for (const word of words) {
    const eq = word.indexOf("=");
    const name = eq < 0 ? word : word.slice(0, eq);
    const value = eq < 0 ? undefined : word.slice(eq + 1);
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (kind === undefined) throw new Error(`unknown flag --${name} for ${instruction}`);
    if (kind === "unsupported") throw new Error(`${instruction} --${name} is not supported by tstack`);
    if (kind !== "strings" && seen.has(name)) throw new Error(`duplicate flag specified: --${name}`);
    seen.add(name);
    switch (kind) {
      case "bool":
        if (value === undefined || value.toLowerCase() === "true") out[name] = true;
        else if (value.toLowerCase() === "false") out[name] = false;
        else throw new Error(`expecting boolean value for flag --${name}, not: ${value}`);
        break;
      case "string":
        if (value === undefined) throw new Error(`missing a value on flag: --${name}`);
        out[name] = value;
        break;
      case "strings":
        if (value === undefined) throw new Error(`missing a value on flag: --${name}`);
        (out[name] as string[]).push(value);
        break;
    }
  }
  return out as FlagValues<S>;
}
