// Which idle connections a request may use: same scheme, host and port, and for TLS the same trust
// settings (a connection verified against one CA, or not verified at all, must not serve a request
// that asked for another).
import { createHash } from "node:crypto";
import type { TlsSettings } from "./connect-socket.ts";
import type { RequestTarget } from "./request-head.ts";

export function originKey(target: RequestTarget, tls: TlsSettings | undefined): string {
  const origin = `${target.secure ? "https" : "http"}://[${target.host}]:${target.port}`;
  if (!target.secure) return origin;
  // By content, not object identity: callers may build a fresh settings object for each request.
  const ca = tls?.ca === undefined ? "-" : createHash("sha256").update(tls.ca).digest("hex");
  return `${origin} ca=${ca} verify=${tls?.rejectUnauthorized !== false}`;
}
