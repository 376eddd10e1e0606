import { Agent, request as httpRequest, type AgentOptions, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, type RequestOptions } from "node:http";
import type { Duplex, Readable } from "node:stream";

/** Where an engine listens: a unix socket (tstack's engine, /var/run/docker.sock) or TCP. */
export type EngineAddress =
  | { readonly kind: "unix"; readonly socketPath: string }
  | { readonly kind: "tcp"; readonly protocol: "http" | "https"; readonly host: string; readonly port: number };

export interface EngineRequest {
  readonly method: "GET" | "POST" | "PUT" | "DELETE" | "HEAD";
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** A body sent as it is read (a tar archive), instead of `body`. */
  readonly upload?: { readonly contentType: string; readonly data: Readable | AsyncIterable<Buffer> };
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal | undefined;
}

/** A 2xx answer whose body is read as it arrives. */
export interface EngineResponse {
  readonly statusCode: number;
  /** Lower-case names, as node:http gives them. */
  readonly headers: IncomingHttpHeaders;
  readonly body: AsyncIterable<Buffer>;
}

/** A connection the engine took over (attach, exec): raw bytes both ways. */
export interface Upgraded {
  readonly headers: IncomingHttpHeaders;
  readonly socket: Duplex;
}

/** A Docker Engine API answer that is not a success (304 included), for engine-errors.ts to map. */
export class EngineHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly json: unknown,
  ) {
    const message = (json as { message?: unknown } | null)?.message;
    super(`(HTTP code ${statusCode}) ${typeof message === "string" ? message : typeof json === "string" ? json : "unexpected answer"}`);
    this.name = "EngineHttpError";
  }
}

/** The Docker Engine API's transport: JSON in, JSON or a byte stream out, or a hijacked connection. */
export interface EngineHttp {
  readonly address: EngineAddress;
  /** The parsed JSON answer (undefined for an empty body) of a 2xx; an EngineHttpError otherwise. */
  json<T = unknown>(req: EngineRequest): Promise<T>;
  /** The body of a 2xx as it arrives (progress, events); an EngineHttpError otherwise. */
  stream(req: EngineRequest): Promise<AsyncIterable<Buffer>>;
  /** A 2xx with its headers (archives, logs); an EngineHttpError otherwise. */
  open(req: EngineRequest): Promise<EngineResponse>;
  /**
   * Sends the request with `Connection: Upgrade` / `Upgrade: tcp`, as docker-modem does for
   * attach and exec, and resolves with the socket once the engine answers 101. Any other answer
   * is an EngineHttpError. The socket is the caller's: it leaves the keep-alive pool.
   */
  upgrade(req: EngineRequest): Promise<Upgraded>;
}

/**
 * Over node:http, with keep-alive. The Host header is set as the docker CLI sets it, and the
 * agent carries an empty TLS server name: otherwise Node derives one from the host for every
 * request and tests it against its IPv6 pattern, whose first use compiles a regular expression
 * (measured 14 ms of a 150 ms command). node:https is loaded only for an https engine.
 */
export function createEngineHttp(address: EngineAddress): EngineHttp {
  const agent = new Agent({ keepAlive: true, servername: "" } as AgentOptions);
  const send = async (req: EngineRequest, upgrade: boolean): Promise<ClientRequest> => {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) query.set(k, String(v));
    const qs = query.size > 0 ? `?${query}` : "";
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string> = {
      Host: address.kind === "unix" ? "api.moby.localhost" : `${address.host}:${address.port}`,
      ...(payload ? { "Content-Type": "application/json", "Content-Length": String(payload.length) } : {}),
      ...(req.upload ? { "Content-Type": req.upload.contentType } : {}),
      ...(upgrade ? { Connection: "Upgrade", Upgrade: "tcp" } : {}),
      ...req.headers,
    };
    const options: RequestOptions = {
      method: req.method,
      path: req.path + qs,
      headers,
      ...(req.signal ? { signal: req.signal } : {}),
      // An upgraded connection never goes back to a pool.
      ...(address.kind === "unix" ? { socketPath: address.socketPath, agent: upgrade ? false : agent } : { host: address.host, port: address.port }),
    };
    const request = address.kind === "tcp" && address.protocol === "https" ? (await import("node:https")).request : httpRequest;
    const r = request(options);
    if (req.upload === undefined) r.end(payload);
    else void pump(req.upload.data, r);
    return r;
  };
  const open = async (req: EngineRequest): Promise<IncomingMessage> => {
    const r = await send(req, false);
    return new Promise<IncomingMessage>((resolve, reject) => {
      r.once("response", resolve);
      r.once("error", reject);
    });
  };
  const failed = async (res: IncomingMessage): Promise<never> => {
    throw new EngineHttpError(res.statusCode ?? 0, parseBody(await readBody(res)));
  };
  const ok = (res: IncomingMessage) => (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
  return {
    address,
    async json<T>(req: EngineRequest): Promise<T> {
      const res = await open(req);
      if (!ok(res)) return failed(res);
      return parseBody(await readBody(res)) as T;
    },
    async stream(req: EngineRequest): Promise<AsyncIterable<Buffer>> {
      const res = await open(req);
      if (!ok(res)) return failed(res);
      return res;
    },
    async open(req: EngineRequest): Promise<EngineResponse> {
      const res = await open(req);
      if (!ok(res)) return failed(res);
      return { statusCode: res.statusCode ?? 200, headers: res.headers, body: res };
    },
    async upgrade(req: EngineRequest): Promise<Upgraded> {
      const r = await send(req, true);
      return new Promise<Upgraded>((resolve, reject) => {
        r.once("upgrade", (res: IncomingMessage, socket: Duplex, head: Buffer) => {
          // Bytes that came with the 101 belong to the stream.
          if (head.length > 0) socket.unshift(head);
          resolve({ headers: res.headers, socket });
        });
        r.once("response", (res: IncomingMessage) => void failed(res).catch(reject));
        r.once("error", reject);
      });
    },
  };
}

// Streams an upload into the request; a failed source aborts the request (its error is the request's).
async function pump(data: Readable | AsyncIterable<Buffer>, r: ClientRequest): Promise<void> {
  try {
    for await (const chunk of data as AsyncIterable<Buffer>) {
      if (r.destroyed) return;
      if (!r.write(chunk)) await new Promise<void>((resolve) => r.once("drain", resolve).once("close", resolve));
    }
    r.end();
  } catch (err) {
    r.destroy(err as Error);
  }
}

async function readBody(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

// Docker answers JSON, or for some errors plain text; an empty body is undefined.
function parseBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const text = body.toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.trim();
  }
}
