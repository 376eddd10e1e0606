import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, it, expect } from "vitest";
import { createBufferPool } from "../buffer-pool.ts";
import { createConnectionPool, type ConnectionPool } from "./connection-pool.ts";
import { http1Request, type Http1Deps } from "./http1-request.ts";
import {
  CollectingSink,
  eventually,
  httpServer,
  httpsServer,
  makeCert,
  rawKeepAliveServer,
  sha256,
  type TestCert,
} from "./test-servers.ts";

const KiB = 1024;
const MiB = 1024 * KiB;

let pools: ConnectionPool[] = [];
afterEach(() => {
  for (const p of pools) p.closeIdle();
  pools = [];
});

// Fresh pools per test, so that counts are this test's own.
function freshDeps(options: Parameters<typeof createConnectionPool>[0] = {}): Http1Deps & { connections: ConnectionPool } {
  const connections = createConnectionPool(options);
  pools.push(connections);
  return { pool: createBufferPool(256 * KiB, 8), connections };
}

const blob = randomBytes(300 * KiB);
const serveBlob = (_req: unknown, res: ServerResponse) => {
  res.writeHead(200, { "Content-Length": blob.length }).end(blob);
};

async function getBody(url: string, deps: Http1Deps, opts: Parameters<typeof http1Request>[1] = {}): Promise<Buffer> {
  const res = await http1Request(url, opts, deps);
  const sink = new CollectingSink();
  await res.pipeTo(sink);
  return sink.bytes;
}

describe("keep-alive connection reuse", () => {
  it("sends two GETs in a row on one connection, with no second read buffer", async () => {
    await using server = await httpServer(serveBlob);
    const deps = freshDeps();
    expect(sha256(await getBody(server.url, deps))).toBe(sha256(blob));
    expect(deps.connections.size).toBe(1);
    expect(sha256(await getBody(`${server.url}/again`, deps))).toBe(sha256(blob));
    expect(server.sockets).toHaveLength(1);
    expect(deps.pool.allocations).toBe(1);
    // The buffer stays with the idle connection and comes back when it closes.
    expect(deps.pool.idle).toBe(0);
    deps.connections.closeIdle();
    await eventually(() => expect(deps.pool.idle).toBe(1));
    await eventually(() => expect(server.sockets[0]?.destroyed).toBe(true));
  });

  it("opens a new connection after a response that says Connection: close", async () => {
    await using server = await httpServer((req, res) => {
      res.setHeader("Connection", "close");
      serveBlob(req, res);
    });
    const deps = freshDeps();
    await getBody(server.url, deps);
    expect(deps.connections.size).toBe(0);
    await getBody(server.url, deps);
    expect(server.sockets).toHaveLength(2);
  });

  it("does not reuse a connection when the caller sent Connection: close", async () => {
    await using server = await httpServer(serveBlob);
    const deps = freshDeps();
    await getBody(server.url, deps, { headers: { Connection: "close" } });
    await getBody(server.url, deps);
    expect(server.sockets).toHaveLength(2);
  });

  it("reuses the connection after a chunked body, a HEAD and a 204", async () => {
    await using server = await httpServer(async (req, res) => {
      if (req.url === "/empty") return void res.writeHead(204).end();
      if (req.method === "HEAD") return void res.writeHead(200, { "Content-Length": 1000 }).end();
      res.writeHead(200); // no length: node chunks it
      res.write(blob.subarray(0, 1000));
      await new Promise((r) => setImmediate(r));
      res.end(blob.subarray(1000));
    });
    const deps = freshDeps();
    const chunked = await http1Request(server.url, {}, deps);
    expect(chunked.headers.get("transfer-encoding")).toBe("chunked");
    const sink = new CollectingSink();
    await chunked.pipeTo(sink);
    expect(sha256(sink.bytes)).toBe(sha256(blob));
    const head = await http1Request(server.url, { method: "HEAD" }, deps);
    expect(head.headers.get("content-length")).toBe("1000");
    expect((await http1Request(`${server.url}/empty`, {}, deps)).status).toBe(204);
    expect(sha256(await getBody(server.url, deps))).toBe(sha256(blob));
    expect(server.sockets).toHaveLength(1);
  });

  it("reuses the connection when the small body came in the head's packet and was read later", async () => {
    await using server = await rawKeepAliveServer((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));
    const deps = freshDeps();
    for (let i = 0; i < 3; i++) expect(await (await http1Request(server.url, {}, deps)).text()).toBe("hello");
    expect(server.sockets).toHaveLength(1);
  });

  it.each([
    ["a close-delimited body", "HTTP/1.1 200 OK\r\n\r\nuntil the end"],
    ["bytes beyond the body", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA"],
    ["an HTTP/1.0 response", "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello"],
  ])("does not reuse the connection after %s", async (_name, reply) => {
    await using server = await rawKeepAliveServer((socket) => {
      if (reply.includes("until the end")) socket.end(reply);
      else socket.write(reply);
    });
    const deps = freshDeps();
    await (await http1Request(server.url, {}, deps)).text();
    expect(deps.connections.size).toBe(0);
    await (await http1Request(server.url, {}, deps)).text();
    expect(server.sockets).toHaveLength(2);
  });

  describe("closes instead of reusing after a body that did not end cleanly", () => {
    const big = randomBytes(4 * MiB);
    const serveBig = (_req: unknown, res: ServerResponse) => void res.writeHead(200, { "Content-Length": big.length }).end(big);

    it.each([
      ["a cancelled body", async (url: string, deps: Http1Deps) => (await http1Request(url, {}, deps)).body?.cancel()],
      [
        "an aborted request",
        async (url: string, deps: Http1Deps) => {
          const ac = new AbortController();
          const res = await http1Request(url, { signal: ac.signal }, deps);
          const sink = new CollectingSink(() => {
            ac.abort(new Error("stop"));
            return true;
          });
          await expect(res.pipeTo(sink)).rejects.toThrow("stop");
        },
      ],
      [
        "a sink that threw",
        async (url: string, deps: Http1Deps) => {
          const res = await http1Request(url, {}, deps);
          const sink = new CollectingSink(() => {
            throw new Error("disk full");
          });
          await expect(res.pipeTo(sink)).rejects.toThrow("disk full");
        },
      ],
    ])("%s", async (_name, spoil) => {
      await using server = await httpServer(serveBig);
      const deps = freshDeps();
      await spoil(server.url, deps);
      // At once: not parked and then dropped when the rest of the body arrives.
      expect(deps.connections.size).toBe(0);
      await eventually(() => expect(server.sockets[0]?.destroyed).toBe(true));
      expect(sha256(await getBody(server.url, deps))).toBe(sha256(big));
      expect(server.sockets).toHaveLength(2);
    });
  });
});

describe("stale idle connections", () => {
  const ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

  // A small body is finished from the bytes copied with the head, a big one from within a read:
  // the connection must go on reading once idle either way, or it would not see the close.
  it.each([
    ["a small body", Buffer.from("ok")],
    ["a big body", blob],
  ])("drops an idle connection the server closes after %s, and the next request opens a fresh one", async (_name, body) => {
    await using server = await httpServer((req, res) => {
      res.on("finish", () => setTimeout(() => req.socket.end(), 5));
      res.writeHead(200, { "Content-Length": body.length }).end(body);
    });
    const deps = freshDeps();
    expect(sha256(await getBody(server.url, deps))).toBe(sha256(body));
    expect(deps.connections.size).toBe(1);
    await eventually(() => expect(deps.connections.size).toBe(0));
    expect(sha256(await getBody(server.url, deps))).toBe(sha256(body));
    expect(server.sockets).toHaveLength(2);
  });

  it.each([
    ["closes it", (socket: import("node:net").Socket) => socket.destroy()],
    ["resets it", (socket: import("node:net").Socket) => socket.resetAndDestroy()],
  ])("sends the request again on a fresh connection when the server %s instead of answering", async (_name, drop) => {
    let attempts = 0;
    await using server = await rawKeepAliveServer((socket, _connection, request) => {
      attempts++;
      if (request === 0) socket.write(ok);
      else drop(socket);
    });
    const deps = freshDeps();
    expect(await (await http1Request(server.url, {}, deps)).text()).toBe("ok");
    expect(await (await http1Request(server.url, {}, deps)).text()).toBe("ok");
    expect(attempts).toBe(3);
    expect(server.sockets).toHaveLength(2);
  });

  it("does not retry a failure on a fresh connection", async () => {
    let attempts = 0;
    await using server = await rawKeepAliveServer((socket) => {
      attempts++;
      socket.destroy();
    });
    await expect(http1Request(server.url, {}, freshDeps())).rejects.toThrow(/closed before the response head/);
    expect(attempts).toBe(1);
  });

  it("retries only once: a retry that fails too is reported", async () => {
    let attempts = 0;
    await using server = await rawKeepAliveServer((socket, connection) => {
      attempts++;
      if (connection === 0 && attempts === 1) socket.write(ok);
      else socket.destroy();
    });
    const deps = freshDeps();
    await (await http1Request(server.url, {}, deps)).text();
    await expect(http1Request(server.url, {}, deps)).rejects.toThrow(/closed before the response head/);
    expect(attempts).toBe(3);
  });

  it("does not retry when part of the response head had come", async () => {
    let attempts = 0;
    await using server = await rawKeepAliveServer((socket, _connection, request) => {
      attempts++;
      if (request === 0) socket.write(ok);
      else socket.end("HTTP/1.1 200 OK\r\n");
    });
    const deps = freshDeps();
    await (await http1Request(server.url, {}, deps)).text();
    await expect(http1Request(server.url, {}, deps)).rejects.toThrow(/closed before the response head \(after 17 bytes/);
    expect(attempts).toBe(2);
  });
});

describe("the idle pool", () => {
  it("closes a connection left idle for the idle time", async () => {
    await using server = await httpServer((_req, res) => void res.end("ok"));
    const deps = freshDeps({ idleMs: 100 });
    await (await http1Request(server.url, {}, deps)).text();
    const idleSince = Date.now();
    expect(deps.connections.size).toBe(1);
    await eventually(() => expect(server.sockets[0]?.destroyed).toBe(true));
    expect(Date.now() - idleSince).toBeGreaterThanOrEqual(90);
    expect(deps.connections.size).toBe(0);
  });

  // Requests opened at once each get their own connection; they are parked one after another.
  const parallel = async (urls: readonly string[], deps: Http1Deps) => {
    const responses = await Promise.all(urls.map((url) => http1Request(url, {}, deps)));
    for (const res of responses) await res.text();
  };

  it("keeps at most maxPerOrigin idle connections per origin", async () => {
    await using a = await httpServer((_req, res) => void res.end("a"));
    const deps = freshDeps({ maxPerOrigin: 2 });
    await parallel([a.url, a.url, a.url], deps);
    expect(a.sockets).toHaveLength(3);
    expect(deps.connections.size).toBe(2);
    await eventually(() => expect(a.sockets.filter((s) => s.destroyed)).toHaveLength(1));
  });

  it("keeps at most maxTotal idle connections in all, closing the oldest", async () => {
    await using a = await httpServer((_req, res) => void res.end("a"));
    await using b = await httpServer((_req, res) => void res.end("b"));
    const deps = freshDeps({ maxTotal: 3 });
    await parallel([a.url, b.url, b.url, b.url], deps);
    expect(deps.connections.size).toBe(3);
    // a's was parked first.
    await eventually(() => expect(a.sockets[0]?.destroyed).toBe(true));
    expect(b.sockets.filter((s) => s.destroyed)).toHaveLength(0);
  });

  it("does not keep the process alive, and holds it again while a reused connection works", async () => {
    await using server = await httpServer((req, res) => {
      // Node's server keeps the connection open 5 s: only the client's unref lets the child exit sooner.
      if (req.url === "/slow") setTimeout(() => res.end("slow"), 300);
      else res.end("fast");
    });
    const moduleUrl = new URL("./http1-request.ts", import.meta.url).href;
    const script = `
      import { http1Request } from ${JSON.stringify(moduleUrl)};
      const fast = await (await http1Request(${JSON.stringify(`${server.url}/fast`)})).text();
      const slow = await (await http1Request(${JSON.stringify(`${server.url}/slow`)})).text();
      console.log(fast + "," + slow);
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: fileURLToPath(new URL("../../..", import.meta.url)),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let printedAt = 0;
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      printedAt = Date.now();
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const kill = setTimeout(() => child.kill(), 4000);
      child.on("exit", (c) => {
        clearTimeout(kill);
        resolve(c);
      });
    });
    const exitedAt = Date.now();
    expect({ code, stdout: stdout.trim(), stderr }).toEqual({ code: 0, stdout: "fast,slow", stderr: "" });
    expect(server.sockets).toHaveLength(1);
    expect(exitedAt - printedAt).toBeLessThan(1000);
  });
});

describe("keep-alive over https", () => {
  let cert: TestCert;
  beforeAll(() => {
    cert = makeCert();
  });

  it("does one TLS handshake for requests in a row with the same trust settings", async () => {
    await using server = await httpsServer(cert, serveBlob);
    const deps = freshDeps();
    // A fresh settings object per request, as callers build them: same CA, same connection.
    expect(sha256(await getBody(server.url, deps, { tls: { ca: cert.cert } }))).toBe(sha256(blob));
    expect(sha256(await getBody(server.url, deps, { tls: { ca: Buffer.from(cert.cert) } }))).toBe(sha256(blob));
    expect(server.handshakes).toBe(1);
    // A connection verified against the CA is not handed to a request that skips verification.
    await getBody(server.url, deps, { tls: { rejectUnauthorized: false } });
    expect(server.handshakes).toBe(2);
    expect(server.sockets).toHaveLength(2);
  });
});
