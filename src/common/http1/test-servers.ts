// Servers and sinks for the http1 tests: real sockets on loopback, torn down by `await using`.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type RequestListener } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ByteSink } from "./byte-sink.ts";

export interface TestServer extends AsyncDisposable {
  readonly url: string;
  /** Sockets the server accepted, to watch them close (and count connections). */
  readonly sockets: readonly Socket[];
  /** TLS handshakes completed (https servers). */
  readonly handshakes: number;
}

async function listen(server: Server, host: string, scheme: string): Promise<TestServer> {
  const sockets: Socket[] = [];
  let handshakes = 0;
  server.on("connection", (s: Socket) => sockets.push(s));
  server.on("secureConnection", () => handshakes++);
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, host, () => resolve()));
  const { port } = server.address() as AddressInfo;
  const hostPart = host.includes(":") ? `[${host}]` : host;
  return {
    url: `${scheme}://${hostPart}:${port}`,
    sockets,
    get handshakes() {
      return handshakes;
    },
    async [Symbol.asyncDispose]() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export const httpServer = (handler: RequestListener, host = "127.0.0.1") => listen(createHttpServer(handler), host, "http");

/** A server that answers every connection by hand, for heads and framings node:http will not produce. */
export const rawServer = (onConnection: (socket: Socket) => void) => listen(createNetServer(onConnection), "127.0.0.1", "http");

/**
 * Calls `onRequest` for each request head that arrives, on any connection, with the connection's
 * number (0, 1, …) and the request's number on that connection; it answers (or not) on `socket`.
 */
export function rawKeepAliveServer(onRequest: (socket: Socket, connection: number, request: number) => void) {
  let connections = 0;
  return rawServer((socket) => {
    const connection = connections++;
    let requests = 0;
    let buffered = "";
    // The client resets connections it drops with bytes unread; that is not the test's failure.
    socket.on("error", () => {});
    socket.on("data", (data: Buffer) => {
      buffered += data.toString("latin1");
      for (let end = buffered.indexOf("\r\n\r\n"); end >= 0; end = buffered.indexOf("\r\n\r\n")) {
        buffered = buffered.slice(end + 4);
        onRequest(socket, connection, requests++);
      }
    });
  });
}

export interface TestCert {
  readonly key: Buffer;
  readonly cert: Buffer;
}

/** A self-signed certificate for 127.0.0.1, made with the openssl CLI. */
export function makeCert(): TestCert {
  const dir = mkdtempSync(join(tmpdir(), "http1-cert-"));
  try {
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
    ], { stdio: "ignore" });
    const key = readFileSync(join(dir, "key.pem"));
    const cert = readFileSync(join(dir, "cert.pem"));
    return { key, cert };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const httpsServer = (cert: TestCert, handler: RequestListener) =>
  listen(createHttpsServer({ key: cert.key, cert: cert.cert }, handler), "127.0.0.1", "https");

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Keeps copies of everything, and the views as given (to check which buffer they came from). */
export class CollectingSink implements ByteSink {
  readonly chunks: Uint8Array[] = [];
  readonly views: Uint8Array[] = [];
  constructor(private readonly onWrite: (sink: CollectingSink) => boolean = () => true) {}

  write(bytes: Uint8Array): boolean {
    this.views.push(bytes);
    this.chunks.push(new Uint8Array(bytes));
    return this.onWrite(this);
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/**
 * Says "full" on every `every`-th write and drains a few ms later; counts writes that came while
 * full, which the ByteSink contract allows but must not lose.
 */
export class SlowSink implements ByteSink {
  readonly chunks: Uint8Array[] = [];
  writes = 0;
  pauses = 0;
  writesWhileFull = 0;
  private full: Promise<void> | undefined;

  constructor(private readonly every: number) {}

  write(bytes: Uint8Array): boolean {
    this.chunks.push(new Uint8Array(bytes));
    if (this.full !== undefined) {
      this.writesWhileFull++;
      return false;
    }
    if (++this.writes % this.every !== 0) return true;
    this.pauses++;
    this.full = new Promise((resolve) => setTimeout(resolve, 2)).then(() => {
      this.full = undefined;
    });
    return false;
  }

  drained(): Promise<void> {
    return this.full ?? Promise.resolve();
  }

  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Polls until `check` passes; for effects that land a few event-loop turns later (socket close). */
export async function eventually(check: () => void, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}
