// Test-only: a few Docker Engine API routes answered on a unix socket, to check that the HTTP
// client sends Docker's requests and reads Docker's replies (no real engine needed).
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: unknown;
}

export type Handler = (req: IncomingMessage, body: unknown, res: ServerResponse) => void;
/** Answers an upgrade request on the raw socket (write the 101 head yourself). */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex) => void;
export type Route = readonly [RegExp, string, Handler];

export interface StubEngine extends AsyncDisposable {
  readonly socketPath: string;
  readonly seen: Seen[];
}

export const json = (res: ServerResponse, status: number, v: unknown): void => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(v));
};

export async function startStubEngine(routes: readonly Route[], upgrades: readonly (readonly [RegExp, UpgradeHandler])[] = []): Promise<StubEngine> {
  const dir = mkdtempSync(join(tmpdir(), "tstack-engine-client-"));
  const socketPath = join(dir, "engine.sock");
  const seen: Seen[] = [];
  const pathOf = (req: IncomingMessage) => (req.url ?? "").replace(/^\/v[0-9.]+/, "");
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const body = raw.length === 0 ? undefined : req.headers["content-type"] === "application/json" ? (JSON.parse(raw.toString()) as unknown) : raw;
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const route = routes.find(([re, m]) => m === req.method && re.test(pathOf(req)));
      if (route) route[2](req, body, res);
      else json(res, 500, { message: `no route ${req.method} ${pathOf(req)}` });
    });
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex) => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: undefined });
    const route = upgrades.find(([re]) => re.test(pathOf(req)));
    if (route) route[1](req, socket);
    else socket.end("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 21\r\n\r\n{\"message\":\"no such\"}");
  });
  await new Promise<void>((r) => server.listen(socketPath, r));
  return {
    socketPath,
    seen,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
