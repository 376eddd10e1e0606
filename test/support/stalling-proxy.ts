import { createServer, request, type Server } from "node:http";

// An HTTP proxy in front of the real registry that forwards everything, except that a
// blob body stops after `stallAfter` bytes and never ends: a download caught mid-way.
export interface StallingProxy {
  readonly addr: string;
  /** Resolves once a blob download has stalled. */
  readonly stalled: Promise<void>;
  close(): Promise<void>;
}

export async function startStallingProxy(upstream: string, stallAfter: number): Promise<StallingProxy> {
  let onStall!: () => void;
  const stalled = new Promise<void>((r) => (onStall = r));
  const server: Server = createServer((req, res) => {
    const up = request(`http://${upstream}${req.url}`, { method: req.method, headers: { ...req.headers, host: upstream } }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      const isBlob = /\/blobs\/sha256:/.test(req.url ?? "") && req.method === "GET";
      if (!isBlob) {
        upRes.pipe(res);
        return;
      }
      let sent = 0;
      upRes.on("data", (chunk: Buffer) => {
        if (sent >= stallAfter) return;
        const part = chunk.subarray(0, stallAfter - sent);
        sent += part.length;
        res.write(part);
        if (sent >= stallAfter) {
          upRes.pause();
          onStall();
        }
      });
    });
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const a = server.address();
  const port = typeof a === "object" && a ? a.port : 0;
  return {
    addr: `127.0.0.1:${port}`,
    stalled,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
