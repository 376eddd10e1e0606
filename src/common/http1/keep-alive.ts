// Whether a connection may carry another request after this one (RFC 9112 §9.3, §9.6).
import type { ResponseHead } from "./response-head.ts";

/** False when the caller sent `Connection: close`: the server will close, and we promised not to send more. */
export function requestKeepsAlive(headers: Readonly<Record<string, string>>): boolean {
  return !Object.entries(headers).some(([name, value]) => name.toLowerCase() === "connection" && hasClose(value));
}

/**
 * False when the response says `Connection: close`, and for HTTP/1.0: its keep-alive is an opt-in
 * extension we do not ask for, so a 1.0 server closes (or may) after every response.
 */
export function responseKeepsAlive(response: Pick<ResponseHead, "version" | "headers">): boolean {
  return response.version === "1.1" && !hasClose(response.headers.get("connection"));
}

function hasClose(value: string | null): boolean {
  return value !== null && value.split(",").some((token) => token.trim().toLowerCase() === "close");
}
