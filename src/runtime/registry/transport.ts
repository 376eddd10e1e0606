import type { TstackError } from "../../common/errors.ts";
import { registryHost } from "../reference/format-reference.ts";
import type { Authorizer, SentAuth } from "./authorizer.ts";
import { isAbort, isTransientStatus, networkError, registryError, type ErrorContext } from "./registry-errors.ts";
import type { Clock, FetchFn, Http1GetFn, RegistryLogger } from "./seams.ts";
import type { Http1Response } from "../../common/http1/http1-request.ts";

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
// fetch's limit.
const MAX_REDIRECTS = 20;

export interface RetryPolicy {
  readonly attempts: number; // total tries, including the first
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 8_000 };

export interface RegistryRequest extends ErrorContext {
  readonly method: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
  readonly domain: string;
  /** `/v2/...` on the registry, or an absolute URL (an upload location). */
  readonly path: string;
  readonly scopes: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
  /** Called for every attempt, so a streamed body can be reopened for a retry. */
  readonly body?: () => RequestInit["body"];
  readonly signal?: AbortSignal | undefined;
  /** Statuses returned to the caller rather than thrown (besides 2xx), e.g. 404 for HEAD. */
  readonly accept?: readonly number[];
  /** Transient failures are retried unless this is false. */
  readonly retry?: boolean;
}

/** What the retry loop reads of an answer: a fetch Response or a streamed HTTP/1.1 one. */
type Answer = Pick<Response, "ok" | "status" | "headers" | "text"> & { readonly body: { cancel(): Promise<void> } | null };

/** Sends registry API requests: URL scheme, auth challenges, retries, error mapping. */
export interface Transport {
  request(req: RegistryRequest): Promise<Response>;
  /**
   * A GET whose body is streamed through one reused buffer (blob downloads: see
   * common/http1). Auth, retries and errors as `request`; redirects followed like fetch does.
   */
  stream(req: RegistryRequest & { readonly method: "GET" }): Promise<Http1Response>;
  baseUrl(domain: string): string;
  /** Backoff before retry `attempt` (1-based), honouring a Retry-After header. */
  backoff(attempt: number, retryAfter?: string | null): number;
  readonly retry: RetryPolicy;
}

interface SendInit {
  readonly method: RegistryRequest["method"];
  readonly headers: Readonly<Record<string, string>>;
  readonly body: RequestInit["body"] | undefined;
  readonly signal: AbortSignal | undefined;
}

function withoutAuthorization(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== "authorization"));
}

function hostOnly(hostPort: string): string {
  if (hostPort.startsWith("[")) return hostPort.slice(1, hostPort.indexOf("]"));
  const colon = hostPort.lastIndexOf(":");
  return colon === -1 ? hostPort : hostPort.slice(0, colon);
}

/** Loopback registries and those listed as insecure are spoken to over plain HTTP. */
export function isInsecureRegistry(domain: string, insecure: readonly string[]): boolean {
  const host = hostOnly(domain).toLowerCase();
  if (host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host)) return true;
  return insecure.includes(domain) || insecure.includes(host);
}

async function discard(res: Answer): Promise<void> {
  try {
    await res.body?.cancel();
  } catch {
    // The connection is dropped either way.
  }
}

export function createTransport(deps: {
  readonly fetch: FetchFn;
  readonly get: Http1GetFn;
  readonly clock: Clock;
  readonly authorizer: Authorizer;
  readonly logger: RegistryLogger;
  readonly insecureRegistries: readonly string[];
  readonly retry: RetryPolicy;
  readonly userAgent: string;
}): Transport {
  const baseUrl = (domain: string) =>
    `${isInsecureRegistry(domain, deps.insecureRegistries) ? "http" : "https"}://${registryHost(domain)}`;

  function backoff(attempt: number, retryAfter?: string | null): number {
    const seconds = retryAfter ? Number(retryAfter) : NaN;
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, deps.retry.maxDelayMs);
    return Math.min(deps.retry.baseDelayMs * 2 ** (attempt - 1), deps.retry.maxDelayMs);
  }

  const viaFetch = (url: URL, init: SendInit): Promise<Response> =>
    deps.fetch(url, {
      method: init.method,
      headers: init.headers,
      redirect: "follow",
      ...(init.body !== undefined && init.body !== null ? { body: init.body, duplex: "half" } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    } as RequestInit);

  // Redirects as fetch follows them: credentials are not sent on to another origin (a blob's
  // storage host), and a 303 turns into a GET (only GETs come here).
  async function viaHttp1(url: URL, init: SendInit): Promise<Http1Response> {
    let target = url;
    let headers = init.headers;
    for (let hops = 0; ; hops++) {
      const res = await deps.get(target, { method: "GET", headers, ...(init.signal ? { signal: init.signal } : {}) });
      const location = res.headers.get("location");
      if (!REDIRECTS.has(res.status) || location === null || hops >= MAX_REDIRECTS) return res;
      // Read the (small) body rather than cancel it: a body read to its end leaves the connection
      // to the registry open for the next blob, which comes here again before its own redirect.
      await res.text().catch(() => undefined);
      const next = new URL(location, target);
      if (next.origin !== target.origin) headers = withoutAuthorization(headers);
      target = next;
    }
  }

  async function exchange<R extends Answer>(req: RegistryRequest, send: (url: URL, init: SendInit) => Promise<R>): Promise<R> {
    const base = baseUrl(req.domain);
    const url = new URL(req.path, base);
    const apiHost = new URL(base).host;
    const maxAttempts = req.retry === false ? 1 : Math.max(1, deps.retry.attempts);
    let authRetried = false;
    let lastError: TstackError | undefined;
    for (let attempt = 1; attempt <= maxAttempts; ) {
      req.signal?.throwIfAborted();
      // Credentials only go to the registry itself, never to a storage host it points to.
      const sent: SentAuth | undefined =
        url.host === apiHost ? await deps.authorizer.authorization(apiHost, req.domain, req.scopes, req.signal) : undefined;
      const headers: Record<string, string> = { "User-Agent": deps.userAgent, ...req.headers };
      if (sent !== undefined) headers["Authorization"] = sent.header;
      const body = req.body?.();
      let res: R;
      try {
        res = await send(url, { method: req.method, headers, body, signal: req.signal });
      } catch (err) {
        if (isAbort(err, req.signal)) throw req.signal?.reason ?? err;
        lastError = networkError(err, url.host, req.action);
        deps.logger.debug("registry request failed", { url: url.href, attempt, error: lastError.message });
        if (attempt >= maxAttempts) break;
        await deps.clock.sleep(backoff(attempt), req.signal);
        attempt++;
        continue;
      }
      if (res.ok || req.accept?.includes(res.status)) return res;
      if (res.status === 401 && !authRetried) {
        const retry = deps.authorizer.challenged(apiHost, res.headers.get("www-authenticate"), sent);
        if (retry) {
          authRetried = true;
          await discard(res);
          continue; // an auth round trip is not a failed attempt
        }
      }
      const text = req.method === "HEAD" ? "" : await res.text().catch(() => "");
      lastError = registryError(res.status, text, { ...req, authSent: sent !== undefined });
      if (!isTransientStatus(res.status) || attempt >= maxAttempts) throw lastError;
      deps.logger.debug("registry request will be retried", { url: url.href, status: res.status, attempt });
      await deps.clock.sleep(backoff(attempt, res.headers.get("retry-after")), req.signal);
      attempt++;
    }
    throw lastError ?? new Error("unreachable: no attempt was made");
  }

  return {
    request: (req) => exchange(req, viaFetch),
    stream: (req) => exchange(req, viaHttp1),
    baseUrl,
    backoff,
    retry: deps.retry,
  };
}
