import type { IncomingHttpHeaders } from "node:http";

// What a handler sees of a request, and how it answers. The same handler serves a plain
// HTTP request and an upgrade (`Connection: Upgrade`) request whose socket it may take over;
// the two transports implement `Responder` differently (http-responder.ts, socket-responder.ts).

export interface ApiRequest {
  readonly method: string;
  /** Without the `/v1.xx` prefix. */
  readonly path: string;
  readonly version: string | undefined;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Aborted when the client goes away (or the server closes): streams must stop then. */
  readonly signal: AbortSignal;
  /** The request body; read it at most once. */
  body(): AsyncIterable<Buffer>;
}

export interface Sink {
  /** Resolves once the chunk may be followed by more (back-pressure); rejects when the client left. */
  write(chunk: Buffer | string): Promise<void>;
  end(): void;
}

/** A connection taken over for attach/exec: raw bytes both ways. */
export interface Hijacked {
  readonly input: AsyncIterable<Buffer>;
  write(chunk: Buffer | string): Promise<void>;
  /** Half-closes our side (the client sees the end of output) and keeps reading input. */
  endOutput(): void;
  close(): void;
}

export interface Responder {
  json(status: number, value: unknown, headers?: Readonly<Record<string, string>>): void;
  empty(status: number, headers?: Readonly<Record<string, string>>): void;
  /** A streamed response (chunked on plain HTTP). */
  stream(status: number, headers: Readonly<Record<string, string>>): Sink;
  /** 101 UPGRADED on an upgrade request, else a 200 streamed response with the request body as input. */
  hijack(contentType: string): Hijacked;
  readonly started: boolean;
}

export type Handler = (req: ApiRequest, res: Responder) => Promise<void>;
