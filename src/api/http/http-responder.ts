import type { IncomingMessage, ServerResponse } from "node:http";
import type { Hijacked, Responder, Sink } from "./context.ts";
import { writeChunk } from "./write-chunk.ts";

// Responses on a plain HTTP request (no upgrade asked).
export function httpResponder(req: IncomingMessage, res: ServerResponse): Responder {
  const stream = (status: number, headers: Readonly<Record<string, string>>): Sink => {
    res.writeHead(status, headers);
    res.flushHeaders();
    return { write: (c) => writeChunk(res, c), end: () => res.end() };
  };
  return {
    get started() {
      return res.headersSent;
    },
    json(status, value, headers = {}) {
      const body = JSON.stringify(value) + "\n";
      res.writeHead(status, { ...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
      res.end(req.method === "HEAD" ? undefined : body);
    },
    empty(status, headers = {}) {
      res.writeHead(status, { ...headers, "Content-Length": 0 });
      res.end();
    },
    stream,
    hijack(contentType): Hijacked {
      // Some clients attach without an upgrade: output is then an ordinary streamed response
      // and input, if any, the request body.
      const sink = stream(200, { "Content-Type": contentType });
      return {
        input: req,
        write: sink.write,
        endOutput: sink.end,
        close: () => res.destroy(),
      };
    },
  };
}
