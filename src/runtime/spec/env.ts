import { invalidArgument } from "../../common/errors.ts";

/** The PATH Docker gives a Linux container whose image sets none. */
export const DEFAULT_PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export function envKey(entry: string): string {
  const i = entry.indexOf("=");
  return i < 0 ? entry : entry.slice(0, i);
}

// Docker's ReplaceOrAppendEnvValues: an override replaces the entry with the same key in
// place (so PATH stays first), new keys are appended in order, and a bare `KEY` (no "=")
// removes KEY. Unlike Docker, a key repeated in the overrides is kept once (last wins).
export function mergeEnv(base: readonly string[], overrides: readonly string[]): readonly string[] {
  const out: (string | null)[] = [];
  const index = new Map<string, number>();
  const put = (entry: string, where: string): void => {
    const key = envKey(entry);
    if (key === "") {
      throw invalidArgument(`invalid environment variable ${JSON.stringify(entry)} in ${where}: empty name`);
    }
    const removal = !entry.includes("=");
    const at = index.get(key);
    if (at !== undefined) {
      out[at] = removal ? null : entry;
      if (removal) index.delete(key);
    } else if (!removal) {
      index.set(key, out.length);
      out.push(entry);
    }
  };
  for (const entry of base) put(entry, "the base environment");
  for (const entry of overrides) put(entry, "the overrides");
  return out.filter((e): e is string => e !== null);
}

export function hasEnv(env: readonly string[], key: string): boolean {
  return env.some((e) => envKey(e) === key);
}
