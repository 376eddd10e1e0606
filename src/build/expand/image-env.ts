// The image config's Env list ("KEY=VALUE" strings, order kept): read and replace-or-append.

export function envGet(env: readonly string[], name: string): string | undefined {
  const prefix = `${name}=`;
  for (let i = env.length - 1; i >= 0; i--) {
    const e = env[i] ?? "";
    if (e.startsWith(prefix)) return e.slice(prefix.length);
  }
  return undefined;
}

export function envSet(env: readonly string[], name: string, value: string): string[] {
  const prefix = `${name}=`;
  const at = env.findIndex((e) => e.startsWith(prefix));
  const out = [...env];
  if (at < 0) out.push(`${prefix}${value}`);
  else out[at] = `${prefix}${value}`;
  return out;
}
