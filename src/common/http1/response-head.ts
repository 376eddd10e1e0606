// Parses the head of an HTTP/1.x response (RFC 9112 §4–5) from the bytes received so far.

export interface ResponseHead {
  readonly version: "1.0" | "1.1";
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  /** Offset in the input where the body starts, just after the final (non-1xx) head. */
  readonly bodyStart: number;
}

/** A head (interim 1xx heads included) longer than this is refused rather than buffered. */
export const MAX_HEAD_BYTES = 64 * 1024;

const CR = 0x0d;
const LF = 0x0a;
const STATUS_LINE = /^HTTP\/1\.([01]) ([0-9]{3})(?: ([\t\x20-\x7e\x80-\xff]*))?$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

const malformed = (what: string) => new Error(`malformed HTTP response head: ${what}`);

/**
 * Returns undefined while the head is incomplete. Interim 1xx responses (100, 103, …) are skipped:
 * the result is the final head. Throws on a malformed head or one over MAX_HEAD_BYTES.
 */
export function parseResponseHead(bytes: Uint8Array): ResponseHead | undefined {
  let start = 0;
  for (;;) {
    const end = findHeadEnd(bytes, start);
    if (end < 0) {
      if (bytes.length > MAX_HEAD_BYTES) throw malformed(`longer than ${MAX_HEAD_BYTES} bytes`);
      return undefined;
    }
    const head = parseOne(bytes.subarray(start, end - 4));
    if (head.status >= 200) return { ...head, bodyStart: end };
    // We never ask to switch protocols, so a 101 cannot be followed by HTTP/1.1 bytes we understand.
    if (head.status === 101) throw malformed("unexpected 101 Switching Protocols");
    start = end;
  }
}

// Index just past the CRLFCRLF that ends the head starting at `start`, or -1. Bare LFs are refused
// right away: waiting for a CRLFCRLF that a sloppy server never sends would only hang.
function findHeadEnd(bytes: Uint8Array, start: number): number {
  const limit = Math.min(bytes.length, MAX_HEAD_BYTES + 1);
  for (let i = bytes.indexOf(LF, start); i >= 0 && i < limit; i = bytes.indexOf(LF, i + 1)) {
    if (i === start || bytes[i - 1] !== CR) throw malformed("bare LF");
    if (i - 3 >= start && bytes[i - 2] === LF && bytes[i - 3] === CR) {
      if (i + 1 > MAX_HEAD_BYTES) throw malformed(`longer than ${MAX_HEAD_BYTES} bytes`);
      return i + 1;
    }
  }
  return -1;
}

function parseOne(bytes: Uint8Array): Omit<ResponseHead, "bodyStart"> {
  // latin1 maps each byte to one code unit, so obs-text survives and nothing can fail to decode.
  const lines = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1").split("\r\n");
  const statusLine = lines[0] ?? "";
  const m = STATUS_LINE.exec(statusLine);
  if (m === null) throw malformed(`bad status line ${JSON.stringify(statusLine.slice(0, 80))}`);
  const status = Number(m[2]);
  if (status < 100) throw malformed(`bad status code ${m[2]}`);
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    // obs-fold (RFC 9112 §5.2): a continuation line; refusing it is allowed and simpler than unfolding.
    if (line.startsWith(" ") || line.startsWith("\t")) throw malformed("obsolete line folding");
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon) : "";
    if (!TOKEN.test(name)) throw malformed(`bad field line ${JSON.stringify(line.slice(0, 80))}`);
    const value = trimOws(line.slice(colon + 1));
    if (!FIELD_VALUE.test(value)) throw malformed(`bad value in field ${name}`);
    headers.append(name, value);
  }
  return { version: m[1] === "0" ? "1.0" : "1.1", status, statusText: m[3] ?? "", headers };
}

// Trims SP/HTAB by hand: a regex like /[ \t]+$/ backtracks quadratically on a hostile 64 KiB line.
function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s[a] === " " || s[a] === "\t")) a++;
  while (b > a && (s[b - 1] === " " || s[b - 1] === "\t")) b--;
  return s.slice(a, b);
}
