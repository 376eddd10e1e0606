import { createSocket, type Socket } from "node:dgram";
import { createServer, type Server, type Socket as TcpSocket } from "node:net";
import dnsPacket from "dns-packet";
import type { Resolution } from "./name-table.ts";

export interface Upstream {
  readonly host: string;
  readonly port: number;
}

export interface DnsServerOptions {
  readonly address: string;
  readonly port: number;
  /** Answers a name asked by `clientIp`; "unknown" means forward (or SERVFAIL when not forwarding). */
  readonly resolve: (clientIp: string, name: string) => Resolution;
  /** Where other names go; empty = answer SERVFAIL (internal networks have no way out). */
  readonly upstreams: () => readonly Upstream[];
  readonly forwardTimeoutMs?: number;
  /** TTL of answers: short, since containers come and go. */
  readonly ttl?: number;
}

/** A UDP + TCP DNS listener; close() frees both sockets. */
export interface DnsServer {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

type Question = dnsPacket.Question;

function reply(query: dnsPacket.DecodedPacket, rcode: "NOERROR" | "NXDOMAIN" | "SERVFAIL", answers: dnsPacket.Answer[]): Buffer {
  // dns-packet's flags: QR (0x8000) | AA (0x0400) | RD copied | RA (0x0080); rcode in the low bits.
  const rcodes = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 } as const;
  const rd = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
  return dnsPacket.encode({
    type: "response",
    id: query.id ?? 0,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_AVAILABLE | rd | rcodes[rcode],
    questions: query.questions ?? [],
    answers,
  });
}

// Decides locally or returns undefined to forward. Queries for our names never leave the engine.
function answerLocally(o: DnsServerOptions, clientIp: string, query: dnsPacket.DecodedPacket): Buffer | undefined {
  const q: Question | undefined = query.questions?.[0];
  if (q === undefined) return reply(query, "SERVFAIL", []);
  const ttl = o.ttl ?? 5;
  const r = o.resolve(clientIp, q.name);
  switch (r.kind) {
    case "found":
      if (q.type === "A" || (q.type as string) === "ANY") {
        // Rotate so clients that take the first address spread over replicas.
        const ips = [...r.ips];
        const k = Math.floor(Math.random() * ips.length);
        const rotated = [...ips.slice(k), ...ips.slice(0, k)];
        return reply(query, "NOERROR", rotated.map((data) => ({ type: "A", class: "IN", name: q.name, ttl, data })));
      }
      // Known name, other type (AAAA): no data, but no NXDOMAIN either, so the A answer stands.
      return reply(query, "NOERROR", []);
    case "ptr":
      return q.type === "PTR" ? reply(query, "NOERROR", [{ type: "PTR", class: "IN", name: q.name, ttl, data: r.name }]) : reply(query, "NOERROR", []);
    case "unknown":
      return o.upstreams().length === 0 ? reply(query, "SERVFAIL", []) : undefined;
  }
}

// Relays the raw query to each upstream in turn over UDP; the reply keeps the client's id.
function forward(o: DnsServerOptions, msg: Buffer): Promise<Buffer | undefined> {
  const ups = o.upstreams();
  const timeout = o.forwardTimeoutMs ?? 2000;
  return new Promise((resolve) => {
    let i = 0;
    const sock = createSocket("udp4");
    let timer: NodeJS.Timeout | undefined;
    const done = (b: Buffer | undefined) => {
      clearTimeout(timer);
      sock.close();
      resolve(b);
    };
    const next = () => {
      const up = ups[i++];
      if (up === undefined) return done(undefined);
      timer = setTimeout(next, timeout);
      sock.send(msg, up.port, up.host, (err) => {
        if (err) {
          clearTimeout(timer);
          next();
        }
      });
    };
    sock.on("message", (b) => done(b));
    sock.on("error", () => done(undefined));
    next();
  });
}

async function handle(o: DnsServerOptions, clientIp: string, msg: Buffer): Promise<Buffer | undefined> {
  let query: dnsPacket.DecodedPacket;
  try {
    query = dnsPacket.decode(msg);
  } catch {
    return undefined; // not DNS: drop, as servers do
  }
  const local = answerLocally(o, clientIp, query);
  if (local !== undefined) return local;
  return (await forward(o, msg)) ?? reply(query, "SERVFAIL", []);
}

export async function startDnsServer(o: DnsServerOptions): Promise<DnsServer> {
  const udp: Socket = createSocket({ type: "udp4", reuseAddr: true });
  udp.on("message", (msg, rinfo) => {
    void handle(o, rinfo.address, msg).then((out) => {
      if (out !== undefined) udp.send(out, rinfo.port, rinfo.address);
    });
  });
  await new Promise<void>((resolve, reject) => {
    udp.once("error", reject);
    udp.bind({ address: o.address, port: o.port }, () => {
      udp.off("error", reject);
      resolve();
    });
  });
  // Stray socket errors after bind must not crash the engine.
  udp.on("error", () => undefined);
  const port = udp.address().port;

  const conns = new Set<TcpSocket>();
  const tcp: Server = createServer((c) => {
    conns.add(c);
    c.on("close", () => conns.delete(c));
    c.on("error", () => c.destroy());
    let buf = Buffer.alloc(0);
    c.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        void handle(o, c.remoteAddress?.replace(/^::ffff:/, "") ?? "", msg).then((out) => {
          if (out === undefined || c.destroyed) return;
          const head = Buffer.alloc(2);
          head.writeUInt16BE(out.length);
          c.write(Buffer.concat([head, out]));
        });
      }
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once("error", reject);
      tcp.listen({ host: o.address, port }, () => {
        tcp.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    udp.close();
    throw err;
  }
  tcp.on("error", () => undefined);

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      for (const c of conns) c.destroy();
      await Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]);
    })());
  return { address: o.address, port, close, [Symbol.asyncDispose]: close };
}
