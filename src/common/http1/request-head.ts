// Where a request goes and the bytes of its head: pure, so the socket code only connects and writes.
import { isIP } from "node:net";
import { invalidArgument } from "../errors.ts";

export interface RequestTarget {
  readonly secure: boolean;
  /** For connect(): an IPv6 literal without its brackets. */
  readonly host: string;
  readonly port: number;
  /** SNI name; undefined for IP literals, which SNI may not carry (RFC 6066 §3). */
  readonly servername: string | undefined;
  /** The Host header: host, plus the port when it is not the scheme's default. */
  readonly authority: string;
  /** The request-target in origin-form: path and query, never the fragment. */
  readonly path: string;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export function requestTarget(url: URL): RequestTarget {
  const secure = url.protocol === "https:";
  if (!secure && url.protocol !== "http:") throw invalidArgument(`unsupported URL scheme ${url.protocol} in ${url.href}`);
  // Sending them would need Authorization, which is the caller's business; dropping them would hide a mistake.
  if (url.username !== "" || url.password !== "") throw invalidArgument(`credentials in URL ${url.origin} are not supported`);
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return {
    secure,
    host,
    port: url.port === "" ? (secure ? 443 : 80) : Number(url.port),
    servername: secure && isIP(host) === 0 ? host : undefined,
    authority: url.host, // URL already drops a default port
    path: `${url.pathname || "/"}${url.search}`,
  };
}

/**
 * The request head, ending in the empty line. Host and `Accept-Encoding: identity` (the body is stored
 * as sent) are added unless `headers` has them. No Connection field: HTTP/1.1 connections persist
 * unless a side says close, and the client reuses them.
 */
export function formatRequestHead(
  method: "GET" | "HEAD",
  target: RequestTarget,
  headers: Readonly<Record<string, string>>,
): string {
  const given = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
  const fields: [string, string][] = [];
  if (!given.has("host")) fields.push(["Host", target.authority]);
  if (!given.has("accept-encoding")) fields.push(["Accept-Encoding", "identity"]);
  for (const [name, value] of Object.entries(headers)) {
    // A CR or LF in a value would let it smuggle extra fields or a second request.
    if (!TOKEN.test(name)) throw invalidArgument(`invalid header name ${JSON.stringify(name)}`);
    if (!FIELD_VALUE.test(value)) throw invalidArgument(`invalid value for header ${name}`);
    fields.push([name, value.trim()]);
  }
  const lines = fields.map(([name, value]) => `${name}: ${value}\r\n`).join("");
  return `${method} ${target.path} HTTP/1.1\r\n${lines}\r\n`;
}
