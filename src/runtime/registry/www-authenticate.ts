/** One challenge of a `WWW-Authenticate` header. */
export type Challenge =
  | { readonly scheme: "bearer"; readonly realm: string; readonly service?: string; readonly scope?: string }
  | { readonly scheme: "basic"; readonly realm?: string };

/**
 * Parses `WWW-Authenticate` (RFC 7235): schemes with `key=value` or `key="quoted, value"`
 * parameters, several challenges separated by commas. Unknown schemes are skipped.
 */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const raw: { scheme: string; params: Record<string, string> }[] = [];
  let i = 0;
  const n = header.length;
  const skipSpace = () => {
    while (i < n && (header[i] === " " || header[i] === "\t" || header[i] === ",")) i++;
  };
  while (i < n) {
    skipSpace();
    const schemeMatch = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/.exec(header.slice(i));
    if (!schemeMatch) break;
    const current = { scheme: schemeMatch[0].toLowerCase(), params: {} as Record<string, string> };
    raw.push(current);
    i += schemeMatch[0].length;
    // Parameters until the next token that is not followed by "=" (the next scheme).
    for (;;) {
      skipSpace();
      const keyMatch = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*/.exec(header.slice(i));
      if (!keyMatch || keyMatch[1] === undefined) break;
      i += keyMatch[0].length;
      let value = "";
      if (header[i] === '"') {
        i++;
        while (i < n && header[i] !== '"') {
          if (header[i] === "\\" && i + 1 < n) i++;
          value += header[i];
          i++;
        }
        i++; // closing quote
      } else {
        const tok = /^[^,\s]*/.exec(header.slice(i))?.[0] ?? "";
        value = tok;
        i += tok.length;
      }
      current.params[keyMatch[1].toLowerCase()] = value;
    }
  }
  const out: Challenge[] = [];
  for (const c of raw) {
    if (c.scheme === "bearer" && c.params["realm"]) {
      const { realm, service, scope } = c.params;
      out.push({
        scheme: "bearer",
        realm,
        ...(service !== undefined ? { service } : {}),
        ...(scope !== undefined ? { scope } : {}),
      });
    } else if (c.scheme === "basic") {
      const realm = c.params["realm"];
      out.push({ scheme: "basic", ...(realm !== undefined ? { realm } : {}) });
    }
  }
  return out;
}
