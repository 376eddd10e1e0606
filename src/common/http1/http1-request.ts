// A minimal HTTP/1.1 client for big downloads: the body streamed into a ByteSink from one reused read
// buffer per connection (fetch allocates a fresh 64 KiB Buffer per read, and faulting that memory in
// doubled the cost of a layer pull on our VMs), and connections kept alive for the next request to
// the same origin (a TCP + TLS handshake per layer is what Docker's client avoids).
import type { ByteSink } from "./byte-sink.ts";
import { connectSocket, type TlsSettings } from "./connect-socket.ts";
import { Connection } from "./connection.ts";
import { createConnectionPool, type ConnectionPool } from "./connection-pool.ts";
import { Http1Exchange, type ReceivedHead } from "./http1-exchange.ts";
import { requestKeepsAlive } from "./keep-alive.ts";
import { originKey } from "./origin-key.ts";
import { createBufferPool, type BufferPool } from "../buffer-pool.ts";
import { formatRequestHead, requestTarget } from "./request-head.ts";
import { MAX_TEXT_BYTES, TextSink } from "./text-sink.ts";

/** The read buffers of every connection: 256 KiB each, as many kept as a parallel layer pull uses. */
const readBuffers = createBufferPool(256 * 1024, 8, { releaseAfterMs: 30_000 });
/** The process's idle connections; see closeIdleConnections. */
const idleConnections = createConnectionPool();

/** Closes every idle connection of the default pool (a long-running process that is done, tests' afterEach). */
export function closeIdleConnections(): void {
  idleConnections.closeIdle();
}

export interface Http1RequestOptions {
  readonly method?: "GET" | "HEAD"; // default GET
  /** Host and Accept-Encoding: identity are set by the client unless given; `Connection: close` prevents reuse. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** TLS settings for https: URLs (tests pass a self-signed CA). */
  readonly tls?: TlsSettings;
  /** Fail when nothing arrives for this long while a response is awaited or read (default 300 s, as undici). */
  readonly idleTimeoutMs?: number;
}

const DEFAULT_IDLE_TIMEOUT_MS = 300_000;

export interface Http1Response {
  readonly url: string; // the URL requested (no redirect following: the caller does that)
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean; // 200–299
  readonly headers: Headers;
  /**
   * Streams the body into `sink`; resolves after the last byte, rejects on a premature close, a framing
   * error, abort (with signal.reason) or a sink error. Callable once.
   */
  pipeTo(sink: ByteSink): Promise<void>;
  /** The whole body as UTF-8 text (for error bodies; refuses bodies over 1 MiB). */
  text(): Promise<string>;
  /** Drops the body and closes the connection (never reused). null for responses without a body (HEAD, 204, 304). */
  readonly body: { cancel(): Promise<void> } | null;
}

/** Seams for tests; production callers use the defaults. */
export interface Http1Deps {
  /** Read buffers, one per connection for its whole life. */
  readonly pool: BufferPool;
  /** Where connections wait between requests; without one, every request has its own connection. */
  readonly connections?: ConnectionPool;
}

/**
 * Resolves once the response head has arrived. Failures before that reject: abort with
 * `signal.reason`, everything else with a plain Error whose `cause` is the underlying error.
 * An unconsumed body keeps its connection open (paused): call `pipeTo`, `text` or `body.cancel`.
 * The connection is reused after a body read to its end; a request that finds its reused connection
 * closed by the server before any byte of the response is sent again once, on a fresh connection.
 */
export async function http1Request(
  url: string | URL,
  opts: Http1RequestOptions = {},
  deps: Http1Deps = { pool: readBuffers, connections: idleConnections },
): Promise<Http1Response> {
  const parsed = new URL(url);
  const target = requestTarget(parsed);
  const method = opts.method ?? "GET";
  const headers = opts.headers ?? {};
  const requestHead = formatRequestHead(method, target, headers);
  opts.signal?.throwIfAborted();
  const origin = originKey(target, opts.tls);
  const connections = requestKeepsAlive(headers) ? deps.connections : undefined;
  const send = (idle: Connection | undefined) =>
    new Http1Exchange({
      method,
      requestHead,
      peer: `${target.host}:${target.port}`,
      signal: opts.signal,
      connection: idle ?? new Connection(deps.pool, (onread) => connectSocket(target, opts.tls, onread)),
      reused: idle !== undefined,
      idleTimeoutMs: opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      park: connections === undefined ? undefined : (connection) => connections.park(origin, connection),
    });
  let exchange = send(connections?.take(origin));
  let head: ReceivedHead;
  try {
    head = await exchange.head;
  } catch (err) {
    if (!exchange.stale) throw err;
    exchange = send(undefined);
    head = await exchange.head;
  }
  const framing = head.framing;
  return {
    url: parsed.href,
    status: head.status,
    statusText: head.statusText,
    ok: head.status >= 200 && head.status <= 299,
    headers: head.headers,
    pipeTo: (sink) => exchange.pipeTo(sink),
    async text() {
      // Refuse a declared-too-big body before reading any of it.
      if (framing.kind === "length" && framing.length > MAX_TEXT_BYTES) {
        await exchange.cancel();
        throw new Error(`response body of ${framing.length} bytes is over ${MAX_TEXT_BYTES} bytes, too big for text()`);
      }
      const sink = new TextSink();
      await exchange.pipeTo(sink);
      return sink.text();
    },
    body: framing.kind === "none" ? null : { cancel: () => exchange.cancel() },
  };
}
