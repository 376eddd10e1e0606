import { TstackError } from "../../common/errors.ts";
import type { CredentialLookup, Credentials } from "./docker-config.ts";
import { isAbort, networkError, registryError } from "./registry-errors.ts";
import type { FetchFn, RegistryLogger } from "./seams.ts";
import type { TokenCache } from "./token-cache.ts";
import { parseWwwAuthenticate, type Challenge } from "./www-authenticate.ts";

/**
 * Remembers how each registry host wants to be authenticated (learnt from its first 401)
 * so later requests carry credentials up front instead of paying a 401 round trip each.
 */
export interface Authorizer {
  /** The Authorization header for a request, or undefined before any challenge. */
  authorization(host: string, domain: string, scopes: readonly string[], signal?: AbortSignal): Promise<SentAuth | undefined>;
  /**
   * Handles a 401: learns the challenge, drops a rejected cached token. Returns whether
   * retrying with fresh authorization can help.
   */
  challenged(host: string, header: string | null, sent: SentAuth | undefined): boolean;
}

/** What a request carried, so a rejection can drop exactly that token. */
export interface SentAuth {
  readonly header: string;
  readonly tokenKey?: string;
}

const DEFAULT_TOKEN_SECONDS = 60;

function basic(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;
}

export function createAuthorizer(deps: {
  readonly fetch: FetchFn;
  readonly credentials: CredentialLookup;
  readonly tokens: TokenCache;
  readonly logger: RegistryLogger;
  readonly userAgent: string;
}): Authorizer {
  const challenges = new Map<string, Challenge>();
  // Parallel layer downloads share one token request instead of each fetching their own.
  const inflight = new Map<string, Promise<string>>();

  function tokenKey(c: Challenge & { scheme: "bearer" }, scopes: readonly string[], creds: Credentials | undefined) {
    return JSON.stringify([c.realm, c.service ?? "", [...scopes].sort(), creds?.username ?? ""]);
  }

  async function fetchToken(
    c: Challenge & { scheme: "bearer" },
    scopes: readonly string[],
    domain: string,
    creds: Credentials | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ token: string; expiresIn: number }> {
    const url = new URL(c.realm);
    if (c.service !== undefined) url.searchParams.set("service", c.service);
    for (const s of scopes) url.searchParams.append("scope", s);
    const action = `authenticate to ${domain}`;
    const headers: Record<string, string> = { "User-Agent": deps.userAgent, Accept: "application/json" };
    if (creds !== undefined) headers["Authorization"] = basic(creds);
    let res: Response;
    try {
      res = await deps.fetch(url, { headers, ...(signal ? { signal } : {}) });
    } catch (err) {
      if (isAbort(err, signal)) throw err;
      throw networkError(err, url.host, action);
    }
    const text = await res.text();
    if (!res.ok) {
      const err = registryError(res.status, text, { action });
      if (res.status === 401 || res.status === 403) {
        throw new TstackError(
          "PermissionDenied",
          `${action}: ${creds ? `credentials for ${creds.username} were rejected` : "anonymous access was refused"}: ${err.message}`,
        );
      }
      throw err;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new TstackError("Unavailable", `${action}: token endpoint ${url.host} returned invalid JSON`, { cause: err });
    }
    const token = typeof body["token"] === "string" ? body["token"] : body["access_token"];
    if (typeof token !== "string" || token === "") {
      throw new TstackError("Unavailable", `${action}: token endpoint ${url.host} returned no token`);
    }
    const expiresIn = typeof body["expires_in"] === "number" && body["expires_in"] > 0 ? body["expires_in"] : DEFAULT_TOKEN_SECONDS;
    return { token, expiresIn };
  }

  return {
    async authorization(host, domain, scopes, signal) {
      const c = challenges.get(host);
      if (c === undefined) return undefined;
      const creds = await deps.credentials(domain);
      switch (c.scheme) {
        case "basic":
          if (creds === undefined) {
            throw new TstackError("PermissionDenied", `registry ${domain} requires a login (basic auth) and no credentials are configured`);
          }
          return { header: basic(creds) };
        case "bearer": {
          // Scopes the request needs; the challenge's own scope when the caller named none.
          const wanted = scopes.length > 0 ? scopes : c.scope !== undefined ? [c.scope] : [];
          const key = tokenKey(c, wanted, creds);
          const cached = deps.tokens.get(key);
          if (cached !== undefined) return { header: `Bearer ${cached}`, tokenKey: key };
          let pending = inflight.get(key);
          if (pending === undefined) {
            deps.logger.debug("fetching registry token", { realm: c.realm, scopes: wanted, user: creds?.username });
            pending = fetchToken(c, wanted, domain, creds, signal)
              .then((t) => {
                deps.tokens.set(key, t.token, t.expiresIn);
                return t.token;
              })
              .finally(() => inflight.delete(key));
            inflight.set(key, pending);
          }
          return { header: `Bearer ${await pending}`, tokenKey: key };
        }
        default: {
          const never: never = c;
          return never;
        }
      }
    },
    challenged(host, header, sent) {
      const parsed = header === null ? [] : parseWwwAuthenticate(header);
      const chosen = parsed.find((c) => c.scheme === "bearer") ?? parsed.find((c) => c.scheme === "basic");
      if (chosen === undefined) return false;
      const before = challenges.get(host);
      challenges.set(host, chosen);
      if (sent === undefined) return true;
      // We sent credentials and were refused. A bearer token may be stale or lack a scope:
      // drop it and try once more; basic credentials would only be refused again.
      if (chosen.scheme === "bearer") {
        if (sent.tokenKey !== undefined) deps.tokens.delete(sent.tokenKey);
        return true;
      }
      return before?.scheme !== "basic";
    },
  };
}
