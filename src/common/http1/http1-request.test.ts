import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { afterEach, beforeAll, describe, it, expect } from "vitest";
import { closeIdleConnections, http1Request } from "./http1-request.ts";
import { createBufferPool } from "../buffer-pool.ts";
import {
  CollectingSink,
  eventually,
  httpServer,
  httpsServer,
  makeCert,
  rawServer,
  sha256,
  SlowSink,
  type TestCert,
} from "./test-servers.ts";

const MiB = 1024 * 1024;

// Requests without deps share the process's idle connections: leave none to a later test's server.
afterEach(() => closeIdleConnections());
const freshPool = () => createBufferPool(256 * 1024, 8);

// A body served with Content-Length, several writes so that it spans many reads.
const blobHandler = (blob: Buffer) => (_req: unknown, res: import("node:http").ServerResponse) => {
  res.writeHead(200, { "Content-Length": blob.length, "Content-Type": "application/octet-stream" });
  res.end(blob);
};

describe("http1Request over http", () => {
  it("streams a multi-MB Content-Length body intact, from the pooled read buffer", async () => {
    const blob = randomBytes(8 * MiB + 123);
    await using server = await httpServer(blobHandler(blob));
    const pool = freshPool();
    const res = await http1Request(`${server.url}/v2/x/blobs/sha256:ab`, {}, { pool });
    expect(res).toMatchObject({ status: 200, statusText: "OK", ok: true, url: `${server.url}/v2/x/blobs/sha256:ab` });
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    const sink = new CollectingSink();
    await res.pipeTo(sink);
    expect(sink.bytes.length).toBe(blob.length);
    expect(sha256(sink.bytes)).toBe(sha256(blob));
    // All but the bytes that came with the head (copied while no sink was attached) are views of the
    // one read buffer, handed over without a copy.
    await eventually(() => expect(pool.idle).toBe(1));
    const readBuffer = pool.take();
    expect(sink.views.length).toBeGreaterThan(5);
    expect(sink.views.slice(1).every((v) => v.buffer === readBuffer.buffer)).toBe(true);
  });

  it("sends the request line and default headers, plus the caller's", async () => {
    let seen: { method?: string; url?: string; headers?: IncomingHttpHeaders } = {};
    await using server = await httpServer((req, res) => {
      seen = { method: req.method, url: req.url, headers: req.headers };
      res.end("ok");
    });
    const res = await http1Request(`${server.url}/a/b?c=d#frag`, { headers: { Authorization: "Bearer xyz" } });
    expect(await res.text()).toBe("ok");
    expect(seen).toMatchObject({ method: "GET", url: "/a/b?c=d" });
    expect(seen.headers).toMatchObject({
      host: new URL(server.url).host,
      "accept-encoding": "identity",
      authorization: "Bearer xyz",
    });
    // HTTP/1.1 persists by default: the client keeps connections for reuse.
    expect(seen.headers).not.toHaveProperty("connection");
  });

  it("decodes a chunked body", async () => {
    const parts = [randomBytes(100_000), randomBytes(1), randomBytes(300_000), randomBytes(5000)];
    await using server = await httpServer(async (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain" });
      for (const p of parts) {
        res.write(p);
        await new Promise((r) => setImmediate(r));
      }
      res.end();
    });
    const res = await http1Request(server.url);
    expect(res.headers.get("transfer-encoding")).toBe("chunked");
    const sink = new CollectingSink();
    await res.pipeTo(sink);
    expect(sha256(sink.bytes)).toBe(sha256(Buffer.concat(parts)));
  });

  it("reads a body without framing until the connection closes, including bytes sent with the head", async () => {
    const body = randomBytes(700_000);
    await using server = await rawServer((socket) => {
      socket.once("data", () => socket.end(Buffer.concat([Buffer.from("HTTP/1.0 200 OK\r\nServer: raw\r\n\r\n"), body])));
    });
    const res = await http1Request(server.url);
    expect(res.headers.get("server")).toBe("raw");
    const sink = new CollectingSink();
    await res.pipeTo(sink);
    expect(sha256(sink.bytes)).toBe(sha256(body));
  });

  it("skips a 103 and delivers a small body that came in the same packet as the head", async () => {
    await using server = await rawServer((socket) => {
      socket.once("data", () => {
        socket.write("HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
      });
    });
    const res = await http1Request(server.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("hello");
  });

  it("has no body for HEAD or 204", async () => {
    await using server = await httpServer((req, res) => {
      if (req.url === "/nothing") res.writeHead(204).end();
      else res.writeHead(200, { "Content-Length": 1000 }).end(req.method === "HEAD" ? undefined : Buffer.alloc(1000));
    });
    const head = await http1Request(server.url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("1000");
    expect(head.body).toBeNull();
    const sink = new CollectingSink();
    await head.pipeTo(sink);
    expect(sink.chunks).toEqual([]);
    const none = await http1Request(`${server.url}/nothing`);
    expect(none).toMatchObject({ status: 204, ok: true, body: null });
    expect(await none.text()).toBe("");
  });

  it("reads an error body with text()", async () => {
    await using server = await httpServer((_req, res) => {
      res.writeHead(404, "Not Found", { "Content-Type": "application/json" }).end('{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown ✗"}]}');
    });
    const res = await http1Request(server.url);
    expect(res).toMatchObject({ status: 404, statusText: "Not Found", ok: false });
    expect(JSON.parse(await res.text())).toEqual({ errors: [{ code: "BLOB_UNKNOWN", message: "blob unknown ✗" }] });
    await expect(res.text()).rejects.toThrow(/already consumed/);
  });

  it("refuses text() of a body over 1 MiB, declared or not", async () => {
    await using server = await httpServer((req, res) => {
      if (req.url === "/declared") res.writeHead(500, { "Content-Length": 2 * MiB }).end(Buffer.alloc(2 * MiB));
      else res.writeHead(500).end(Buffer.alloc(2 * MiB));
    });
    await expect((await http1Request(`${server.url}/declared`)).text()).rejects.toThrow(/too big for text/);
    await expect((await http1Request(`${server.url}/chunked`)).text()).rejects.toThrow(/too big for text/);
  });

  it("fails a body cut short by the server, saying how much came", async () => {
    await using server = await rawServer((socket) => {
      socket.once("data", () => {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${MiB}\r\n\r\n`);
        socket.end(Buffer.alloc(100_000));
      });
    });
    const res = await http1Request(server.url);
    await expect(res.pipeTo(new CollectingSink())).rejects.toThrow(`connection closed after 100000 of ${MiB} bytes`);
  });

  it("fails a chunked body cut short mid-chunk", async () => {
    await using server = await rawServer((socket) => {
      socket.once("data", () => socket.end("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc"));
    });
    const sink = new CollectingSink();
    await expect((await http1Request(server.url)).pipeTo(sink)).rejects.toThrow("connection closed after 3 bytes, before the last chunk");
    expect(Buffer.from(sink.bytes).toString()).toBe("abc");
  });

  it("fails a body when the server resets the connection, with the cause", async () => {
    await using server = await rawServer((socket) => {
      socket.once("data", () => {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${MiB}\r\n\r\nabc`);
        setTimeout(() => socket.resetAndDestroy(), 20);
      });
    });
    const res = await http1Request(server.url);
    const err = await res.pipeTo(new CollectingSink()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/failed while reading the body/);
    expect((err as Error).cause).toMatchObject({ code: "ECONNRESET" });
  });

  it("fails when the server sends nothing for the idle time, before the head or mid-body", async () => {
    await using silent = await rawServer(() => {});
    await expect(http1Request(silent.url, { idleTimeoutMs: 100 })).rejects.toThrow(/timed out: nothing received for 0.1 s/);

    await using stalling = await rawServer((socket) => {
      socket.once("data", () => socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${MiB}\r\n\r\nabc`));
    });
    const res = await http1Request(stalling.url, { idleTimeoutMs: 100 });
    await expect(res.pipeTo(new CollectingSink())).rejects.toThrow(/timed out/);
  });

  it("does not count a pause the sink asked for as the server's silence", async () => {
    const blob = randomBytes(2 * MiB);
    await using server = await httpServer(blobHandler(blob));
    const res = await http1Request(server.url, { idleTimeoutMs: 100 });
    const chunks: Buffer[] = [];
    let paused = false;
    await res.pipeTo({
      write(bytes) {
        chunks.push(Buffer.from(bytes));
        if (paused) return true;
        paused = true;
        return false;
      },
      drained: () => new Promise((resolve) => setTimeout(resolve, 400)),
    });
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(blob));
  });

  it("passes every byte exactly once and in order through a sink that pauses", async () => {
    const blob = randomBytes(6 * MiB);
    await using server = await httpServer(blobHandler(blob));
    const res = await http1Request(server.url);
    const sink = new SlowSink(3);
    await res.pipeTo(sink);
    expect(sink.pauses).toBeGreaterThan(3);
    // Over plain TCP one read is one write: nothing may come while the sink is full.
    expect(sink.writesWhileFull).toBe(0);
    expect(sink.bytes.length).toBe(blob.length);
    expect(sha256(sink.bytes)).toBe(sha256(blob));
  });

  it("fails the transfer with the error a sink throws, and closes the connection", async () => {
    await using server = await httpServer(blobHandler(randomBytes(4 * MiB)));
    const res = await http1Request(server.url);
    const boom = new Error("disk full");
    let writes = 0;
    await expect(res.pipeTo({ write: () => { if (++writes === 3) throw boom; return true; }, drained: async () => {} })).rejects.toBe(boom);
    expect(writes).toBe(3);
    await eventually(() => expect(server.sockets[0]?.destroyed).toBe(true));
  });

  it("fails the transfer with the error drained() rejects with", async () => {
    await using server = await httpServer(blobHandler(randomBytes(4 * MiB)));
    const res = await http1Request(server.url);
    const broken = new Error("consumer gone");
    await expect(res.pipeTo({ write: () => false, drained: () => Promise.reject(broken) })).rejects.toBe(broken);
  });

  it("still delivers everything to a consumer that attaches after the server has finished", async () => {
    const body = randomBytes(300_000);
    await using server = await rawServer((socket) => {
      socket.once("data", () => socket.end(Buffer.concat([Buffer.from("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"), body])));
    });
    const res = await http1Request(server.url);
    await eventually(() => expect(server.sockets[0]?.writableFinished).toBe(true));
    await new Promise((r) => setTimeout(r, 20));
    const sink = new CollectingSink();
    await res.pipeTo(sink);
    expect(sha256(sink.bytes)).toBe(sha256(body));
  });

  it("rejects with the abort reason when aborted mid-body", async () => {
    await using server = await rawServer((socket) => {
      // Sends part of the body, then stalls: only the abort can end the transfer.
      socket.once("data", () => socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${MiB}\r\n\r\n${"x".repeat(1000)}`));
    });
    const ac = new AbortController();
    const res = await http1Request(server.url, { signal: ac.signal });
    const reason = new Error("user cancelled the pull");
    const sink = new CollectingSink(() => {
      setTimeout(() => ac.abort(reason), 5);
      return true;
    });
    await expect(res.pipeTo(sink)).rejects.toBe(reason);
    await eventually(() => expect(server.sockets[0]?.destroyed).toBe(true));
  });

  it("rejects with the abort reason when aborted before the head, or already aborted", async () => {
    await using server = await rawServer(() => {}); // never answers
    const ac = new AbortController();
    const pending = http1Request(server.url, { signal: ac.signal });
    setTimeout(() => ac.abort("too slow"), 20);
    await expect(pending).rejects.toBe("too slow");
    await expect(http1Request(server.url, { signal: AbortSignal.abort("early") })).rejects.toBe("early");
  });

  it("body.cancel() drops the body and closes the connection", async () => {
    await using server = await httpServer(blobHandler(randomBytes(8 * MiB)));
    const pool = freshPool();
    const res = await http1Request(server.url, {}, { pool });
    await res.body?.cancel();
    await eventually(() => expect(server.sockets[0]?.destroyed).toBe(true));
    await expect(res.pipeTo(new CollectingSink())).rejects.toThrow(/already consumed/);
    await eventually(() => expect(pool.idle).toBe(1));
  });

  it("reuses the read buffer for requests in a row", async () => {
    await using server = await httpServer(blobHandler(randomBytes(MiB)));
    const pool = freshPool();
    for (let i = 0; i < 3; i++) {
      const res = await http1Request(server.url, {}, { pool });
      await res.pipeTo(new CollectingSink());
      await eventually(() => expect(pool.idle).toBe(1));
    }
    expect(pool.allocations).toBe(1);
  });

  it("works with an IPv6 literal", async () => {
    await using server = await httpServer((_req, res) => res.end("six"), "::1");
    expect(server.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect(await (await http1Request(server.url)).text()).toBe("six");
  });

  it("rejects with a plain Error carrying the cause when the connection is refused", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const pool = freshPool();
    const err = await http1Request(`http://127.0.0.1:${port}/`, {}, { pool }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
    expect((err as Error).cause).toMatchObject({ code: "ECONNREFUSED" });
    await eventually(() => expect(pool.idle).toBe(1));
  });

  it.each([
    ["a malformed head", "HTTP/1.1 200 OK\r\nBad Field\r\n\r\n", /malformed HTTP response head/],
    ["an unsupported transfer coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", /unsupported Transfer-Encoding/],
    ["a close before the head ends", "HTTP/1.1 200 OK\r\nA: b\r\n", /closed before the response head \(after 23 bytes/],
  ])("rejects %s", async (_name, reply, message) => {
    await using server = await rawServer((socket) => socket.once("data", () => socket.end(reply)));
    await expect(http1Request(server.url)).rejects.toThrow(message);
  });

  it("refuses a head that never ends", async () => {
    await using server = await rawServer((socket) => {
      socket.once("data", () => socket.write(`HTTP/1.1 200 OK\r\n${"X: y\r\n".repeat(20_000)}`));
    });
    await expect(http1Request(server.url)).rejects.toThrow(/longer than 65536 bytes/);
  });
});

describe("http1Request over https", () => {
  let cert: TestCert;
  beforeAll(() => {
    cert = makeCert();
  });

  it("GETs a body through TLS with the given CA, pausing as the sink asks", async () => {
    const blob = randomBytes(5 * MiB + 7);
    await using server = await httpsServer(cert, blobHandler(blob));
    const res = await http1Request(`${server.url}/blob`, { tls: { ca: cert.cert } });
    expect(res.ok).toBe(true);
    const sink = new SlowSink(4);
    await res.pipeTo(sink);
    expect(sink.pauses).toBeGreaterThan(3);
    // TLS may still hand over the other records of one read, but then it must stop.
    expect(sink.writesWhileFull).toBeLessThan(sink.pauses * 20);
    expect(sha256(sink.bytes)).toBe(sha256(blob));
  });

  it("keeps records that arrive with the head for a consumer that attaches later", async () => {
    const parts = [randomBytes(40_000), randomBytes(40_000)];
    await using server = await httpsServer(cert, (_req, res) => {
      res.writeHead(200, { "Content-Length": 80_000 });
      res.write(parts[0]);
      res.end(parts[1]);
    });
    const res = await http1Request(server.url, { tls: { ca: cert.cert } });
    await new Promise((r) => setTimeout(r, 50));
    const sink = new CollectingSink();
    await res.pipeTo(sink);
    expect(sha256(sink.bytes)).toBe(sha256(Buffer.concat(parts)));
  });

  it("rejects a certificate it cannot verify, unless told not to", async () => {
    await using server = await httpsServer(cert, (_req, res) => res.end("secret"));
    const err = await http1Request(server.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).cause).toMatchObject({ code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY/) });
    const res = await http1Request(server.url, { tls: { rejectUnauthorized: false } });
    expect(await res.text()).toBe("secret");
  });
});
