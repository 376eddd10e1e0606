import { chmod, lstat, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { connect } from "node:net";
import { readFile } from "node:fs/promises";
import type { Duplex } from "node:stream";
import { conflict, isKind } from "../common/errors.ts";
import type { Engine } from "../runtime/engine.ts";
import type { ApiDeps, ApiLog } from "./deps.ts";
import { HttpError, replyFor } from "./errors.ts";
import type { ApiRequest, Handler, Responder } from "./http/context.ts";
import { httpResponder } from "./http/http-responder.ts";
import { SocketReader } from "./http/socket-reader.ts";
import { socketResponder } from "./http/socket-responder.ts";
import { buildRouter } from "./routes.ts";
import { Router, splitVersion } from "./router.ts";

export interface ApiServerOptions {
  readonly engine: Engine;
  readonly socketPath: string;
  readonly log?: ApiLog;
  /** Node's limit on request headers; larger requests get 431. Default 16 KiB. */
  readonly maxHeaderSize?: number;
  readonly now?: () => Date;
}

/** Lifecycle: listening once resolved; `close` stops accepting, ends open streams and removes the socket. */
export interface ApiServer {
  readonly socketPath: string;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Docker Engine API over a unix socket (mode 0660, no TCP). */
export async function startApiServer(o: ApiServerOptions): Promise<ApiServer> {
  const log = o.log ?? (() => undefined);
  const deps: ApiDeps = {
    engine: o.engine,
    now: o.now ?? (() => new Date()),
    log,
    readProcStat: () => readFile("/proc/stat", "utf8"),
  };
  const router = buildRouter(deps);
  await removeStaleSocket(o.socketPath);
  const hijacked = new Set<Duplex>();
  const server = createServer({ maxHeaderSize: o.maxHeaderSize ?? 16 * 1024 }, (req, res) => {
    void onRequest(router, log, req, res);
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    hijacked.add(socket);
    socket.on("close", () => hijacked.delete(socket));
    socket.on("error", () => undefined);
    void onUpgrade(router, log, req, socket, head);
  });
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
    const status = tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request";
    const body = JSON.stringify({ message: tooLarge ? "request header fields too large" : `bad request: ${err.message}` });
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.socketPath, () => {
      server.off("error", reject);
      resolve();
    });
  });
  await chmod(o.socketPath, 0o660);
  log("info", `API listening on ${o.socketPath}`);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const done = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      for (const s of hijacked) s.destroy();
      await done;
      await rm(o.socketPath, { force: true });
    })());
  return { socketPath: o.socketPath, close, [Symbol.asyncDispose]: close };
}

// A socket file left by a crashed server is removed; one that still answers is another server.
async function removeStaleSocket(path: string): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return;
  if (!st.isSocket()) throw conflict(`${path} exists and is not a socket`);
  const live = await new Promise<boolean>((resolve) => {
    const c = connect(path);
    c.once("connect", () => {
      c.destroy();
      resolve(true);
    });
    c.once("error", () => resolve(false));
  });
  if (live) throw conflict(`another server is listening on ${path}`);
  await rm(path, { force: true });
}

async function onRequest(router: Router<Handler>, log: ApiLog, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const ac = new AbortController();
  res.on("close", () => ac.abort());
  const responder = httpResponder(req, res);
  await dispatch(router, log, req, ac.signal, () => req, responder, () => res.destroy());
}

async function onUpgrade(router: Router<Handler>, log: ApiLog, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const ac = new AbortController();
  socket.on("close", () => ac.abort());
  const reader = new SocketReader(socket, head);
  // The body (exec start's options; dockerode's attach options) is read off first, whether
  // or not the handler wants it: what follows is the client's stdin.
  const length = Number(req.headers["content-length"] ?? 0);
  const chunks: Buffer[] = [];
  for await (const c of reader.take(Number.isFinite(length) && length > 0 ? Math.min(length, 1024 * 1024) : 0)) chunks.push(c);
  const bodyBytes = Buffer.concat(chunks);
  const body = () => (async function* () {
    if (bodyBytes.length > 0) yield bodyBytes;
  })();
  await dispatch(router, log, req, ac.signal, body, socketResponder(socket, reader), () => socket.destroy());
}

async function dispatch(
  router: Router<Handler>,
  log: ApiLog,
  req: IncomingMessage,
  signal: AbortSignal,
  body: () => AsyncIterable<Buffer>,
  res: Responder,
  destroy: () => void,
): Promise<void> {
  const method = req.method ?? "GET";
  try {
    const url = new URL(req.url ?? "/", "http://engine");
    const { version, path } = splitVersion(url.pathname);
    const match = router.match(method, path);
    if (!match) throw new HttpError(404, "page not found");
    const apiReq: ApiRequest = { method, path, version, params: match.params, query: url.searchParams, headers: req.headers, signal, body };
    await match.handler(apiReq, res);
  } catch (err) {
    if (signal.aborted) return; // the client left; nobody to tell
    const reply = replyFor(err);
    if (reply.status >= 500 && !isKind(err, "Unimplemented")) log("error", `${method} ${req.url}: ${reply.body.message}`);
    else log("debug", `${method} ${req.url}: ${reply.status} ${reply.body.message}`);
    if (!res.started) res.json(reply.status, reply.body);
    else destroy();
  }
}
