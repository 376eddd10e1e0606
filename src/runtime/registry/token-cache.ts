import type { Clock } from "./seams.ts";

/** Bearer tokens by key (realm, service, scopes, user) until shortly before they expire. */
export interface TokenCache {
  get(key: string): string | undefined;
  set(key: string, token: string, expiresInSeconds: number): void;
  delete(key: string): void;
}

// Tokens are refreshed this early so one is not sent a moment before it lapses.
const EXPIRY_MARGIN_MS = 5_000;

export function createTokenCache(clock: Clock): TokenCache {
  const entries = new Map<string, { token: string; expiresAt: number }>();
  return {
    get(key) {
      const e = entries.get(key);
      if (e === undefined) return undefined;
      if (clock.now() >= e.expiresAt) {
        entries.delete(key);
        return undefined;
      }
      return e.token;
    },
    set(key, token, expiresInSeconds) {
      const lifetime = Math.max(0, expiresInSeconds * 1000 - EXPIRY_MARGIN_MS);
      entries.set(key, { token, expiresAt: clock.now() + lifetime });
    },
    delete(key) {
      entries.delete(key);
    },
  };
}
