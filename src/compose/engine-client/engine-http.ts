import { Agent, request as httpRequest, type AgentOptions, type ClientRequest, type IncomingMessage, type RequestOptions } from "node:http";

/** Where an engine listens: a unix socket (tstack's engine, /var/run/docker.sock) or TCP. */
export type EngineAddress =
  | { readonly kind: "unix"; readonly socketPath: string }
  | { readonly kind: "tcp"; readonly protocol: "http" | "https"; readonly host: string; readonly port: number };

export interface EngineRequest {
  readonly method: "GET" | "POST" | "DELETE" | "HEAD";
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  readonly signal?: AbortSignal | undefined;
}

/**
 * A Docker Engine API answer that is not a success (304 included): the shape dockerode gives its
 * errors (`statusCode`, `json`), so engine-errors.ts maps both alike.
 */
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

/** The Docker Engine API's transport: JSON in, JSON or a byte stream out. */
export interface EngineHttp {
  readonly address: EngineAddress;
  /** The parsed JSON answer (undefined for an empty body) of a 2xx; an EngineHttpError otherwise. */
  json<T = unknown>(req: EngineRequest): Promise<T>;
  /** The body of a 2xx as it arrives (progress, events); an EngineHttpError otherwise. */
  stream(req: EngineRequest): Promise<AsyncIterable<Buffer>>;
}

/**
 * Over node:http, with keep-alive. The Host header is set as the docker CLI sets it, and the
 * agent carries an empty TLS server name: otherwise Node derives one from the host for every
 * request and tests it against its IPv6 pattern, whose first use compiles a regular expression
 * (measured 14 ms of a 150 ms command). node:https is loaded only for an https engine.
 */
export function createEngineHttp(address: EngineAddress): EngineHttp {
  const agent = new Agent({ keepAlive: true, servername: "" } as AgentOptions);
  const open = async (req: EngineRequest): Promise<IncomingMessage> => {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) query.set(k, String(v));
    const qs = query.size > 0 ? `?${query}` : "";
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string> = {
      Host: address.kind === "unix" ? "api.moby.localhost" : `${address.host}:${address.port}`,
      ...(payload ? { "Content-Type": "application/json", "Content-Length": String(payload.length) } : {}),
    };
    const options: RequestOptions = {
      method: req.method,
      path: req.path + qs,
      headers,
      ...(req.signal ? { signal: req.signal } : {}),
      ...(address.kind === "unix" ? { socketPath: address.socketPath, agent } : { host: address.host, port: address.port }),
    };
    const send = address.kind === "tcp" && address.protocol === "https" ? (await import("node:https")).request : httpRequest;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const r: ClientRequest = send(options, resolve);
      r.once("error", reject);
      r.end(payload);
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
  };
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
