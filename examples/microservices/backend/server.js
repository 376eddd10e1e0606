// The example's backend: a small HTTP API over redis, with nothing but Node's own modules
// (the image has no npm packages). It speaks just enough RESP over node:net for
// PING, INCR and GET, and reconnects when redis restarts.
"use strict";

const http = require("node:http");
const net = require("node:net");

const PORT = Number(process.env.PORT || 3000);
const REDIS_HOST = process.env.REDIS_HOST || "db";
const REDIS_PORT = Number(process.env.REDIS_PORT || 6379);
const COUNTER_KEY = process.env.COUNTER_KEY || "tstack:counter";

function log(msg) {
  process.stdout.write(`${new Date().toISOString()} ${msg}\n`);
}

// --- a minimal RESP client: one connection, replies matched to commands in order ---
class Redis {
  constructor(host, port) {
    this.host = host;
    this.port = port;
    this.socket = null;
    this.pending = [];
    this.buffer = Buffer.alloc(0);
  }

  command(...args) {
    return new Promise((resolve, reject) => {
      const socket = this.connect();
      const payload = `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).join("")}`;
      const timer = setTimeout(() => this.fail(new Error(`redis ${this.host}:${this.port} did not answer`)), 2000);
      this.pending.push({ resolve, reject, timer });
      socket.write(payload);
    });
  }

  connect() {
    if (this.socket) return this.socket;
    const socket = net.createConnection({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    socket.on("data", (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const parsed = parseReply(this.buffer, 0);
        if (!parsed) break;
        this.buffer = this.buffer.subarray(parsed.end);
        const waiter = this.pending.shift();
        if (!waiter) continue;
        clearTimeout(waiter.timer);
        if (parsed.value instanceof Error) waiter.reject(parsed.value);
        else waiter.resolve(parsed.value);
      }
    });
    socket.on("error", (err) => this.fail(err));
    socket.on("close", () => this.fail(new Error("redis connection closed")));
    this.socket = socket;
    return socket;
  }

  // Any transport problem fails every outstanding command; the next one reconnects.
  fail(err) {
    if (this.socket) this.socket.destroy();
    this.socket = null;
    this.buffer = Buffer.alloc(0);
    for (const w of this.pending.splice(0)) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  close() {
    this.fail(new Error("client closed"));
  }
}

// Returns { value, end } for one complete reply at `offset`, or null when more bytes are needed.
function parseReply(buf, offset) {
  const eol = buf.indexOf("\r\n", offset);
  if (eol < 0) return null;
  const type = String.fromCharCode(buf[offset]);
  const line = buf.toString("utf8", offset + 1, eol);
  const next = eol + 2;
  switch (type) {
    case "+":
      return { value: line, end: next };
    case "-":
      return { value: new Error(line), end: next };
    case ":":
      return { value: Number(line), end: next };
    case "$": {
      const len = Number(line);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return null;
      return { value: buf.toString("utf8", next, next + len), end: next + len + 2 };
    }
    case "*": {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const items = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const item = parseReply(buf, pos);
        if (!item) return null;
        items.push(item.value);
        pos = item.end;
      }
      return { value: items, end: pos };
    }
    default:
      return { value: new Error(`unexpected RESP type ${JSON.stringify(type)}`), end: next };
  }
}

// --- HTTP ---
const redis = new Redis(REDIS_HOST, REDIS_PORT);

function send(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(json),
    // The page may also call the backend's published port directly from the browser.
    "access-control-allow-origin": "*",
    "cache-control": "no-store",
  });
  res.end(json);
}

const routes = {
  "GET /api/counter": async () => ({ count: await redis.command("INCR", COUNTER_KEY), db: "redis" }),
  "GET /api/counter/current": async () => ({ count: Number((await redis.command("GET", COUNTER_KEY)) || 0), db: "redis" }),
  "GET /healthz": async () => ({ status: "ok", redis: await redis.command("PING") }),
  "GET /": async () => ({ service: "backend", endpoints: Object.keys(routes) }),
};

const server = http.createServer(async (req, res) => {
  const path = (req.url || "/").split("?")[0];
  const handler = routes[`${req.method} ${path}`];
  const started = Date.now();
  let status = 200;
  try {
    if (!handler) {
      status = 404;
      send(res, status, { error: `no route ${req.method} ${path}` });
    } else {
      send(res, status, await handler());
    }
  } catch (err) {
    status = 503;
    send(res, status, { error: String(err && err.message ? err.message : err) });
  }
  if (path !== "/healthz" || status !== 200) log(`${req.method} ${path} ${status} ${Date.now() - started}ms`);
});

// Simple clients (busybox nc in the frontend's relay) half-close the connection right after
// sending the request. Node's default then aborts the request before this async handler
// answers; keeping the half-open connection lets the response go out, as HTTP/1.0 expects.
server.httpAllowHalfOpen = true;

server.listen(PORT, "0.0.0.0", () => log(`backend listening on :${PORT}, redis at ${REDIS_HOST}:${REDIS_PORT}`));

// As PID 1 in a container, Node has no default SIGTERM handler: stop promptly on our own.
for (const sig of ["SIGTERM", "SIGINT"]) {
  process.on(sig, () => {
    log(`${sig}: shutting down`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
    redis.close();
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
