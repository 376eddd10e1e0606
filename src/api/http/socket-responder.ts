import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { Hijacked, Responder, Sink } from "./context.ts";
import type { SocketReader } from "./socket-reader.ts";
import { writeChunk } from "./write-chunk.ts";

// Responses on an upgrade request: we own the raw socket and write HTTP/1.1 ourselves.
export function socketResponder(socket: Duplex, reader: SocketReader): Responder {
  let started = false;
  const head = (status: number, headers: Readonly<Record<string, string>>, reason = STATUS_CODES[status] ?? "") => {
    started = true;
    const lines = [`HTTP/1.1 ${status} ${reason}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    socket.write(lines.join("\r\n") + "\r\n\r\n");
  };
  return {
    get started() {
      return started;
    },
    json(status, value, headers = {}) {
      const body = JSON.stringify(value) + "\n";
      head(status, { ...headers, "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)), Connection: "close" });
      socket.end(body);
    },
    empty(status, headers = {}) {
      head(status, { ...headers, "Content-Length": "0", Connection: "close" });
      socket.end();
    },
    stream(status, headers): Sink {
      head(status, { ...headers, Connection: "close" });
      return { write: (c) => writeChunk(socket, c), end: () => socket.end() };
    },
    hijack(contentType): Hijacked {
      head(101, { "Content-Type": contentType, Connection: "Upgrade", Upgrade: "tcp" }, "UPGRADED");
      return {
        input: reader.rest(),
        write: (c) => writeChunk(socket, c),
        endOutput: () => socket.end(),
        close: () => socket.destroy(),
      };
    },
  };
}
