// How the end of a response body is found (RFC 9112 §6.3), decided from the request method and the head.

export type BodyFraming =
  | { readonly kind: "none" }
  | { readonly kind: "length"; readonly length: number }
  | { readonly kind: "chunked" }
  | { readonly kind: "close" };

const DIGITS = /^[0-9]+$/;

/** Throws on framing a client must treat as unrecoverable (bad Content-Length, unknown Transfer-Encoding). */
export function bodyFraming(method: "GET" | "HEAD", status: number, headers: Headers): BodyFraming {
  if (method === "HEAD" || status < 200 || status === 204 || status === 304) return { kind: "none" };
  const te = headers.get("transfer-encoding");
  if (te !== null) {
    // We send no TE header, so the only coding a server may apply is chunked; anything else (gzip, …)
    // would hand us bytes we cannot decode. Content-Length is ignored here, as §6.3 says.
    const codings = te.split(",").map((c) => c.trim().toLowerCase()).filter((c) => c !== "");
    if (codings.length === 1 && codings[0] === "chunked") return { kind: "chunked" };
    throw new Error(`unsupported Transfer-Encoding ${JSON.stringify(te)}`);
  }
  const cl = headers.get("content-length");
  if (cl !== null) return { kind: "length", length: parseContentLength(cl) };
  return { kind: "close" };
}

// Headers joins repeated fields with ", ". §6.3 allows a list of identical valid values (some proxies
// duplicate the field); differing or invalid values make the framing unknowable.
function parseContentLength(value: string): number {
  const values = new Set(value.split(",").map((v) => v.trim()));
  const [only] = values;
  if (values.size !== 1 || only === undefined || !DIGITS.test(only)) {
    throw new Error(`invalid Content-Length ${JSON.stringify(value)}`);
  }
  const length = Number(only);
  if (!Number.isSafeInteger(length)) throw new Error(`Content-Length ${only} is too large`);
  return length;
}
