import { describe, it, expect } from "vitest";
import { bodyDecoder, type BodyDecoder } from "./body-decoder.ts";
import type { BodyFraming } from "./body-framing.ts";

const enc = (s: string) => Buffer.from(s, "latin1");

interface Run {
  readonly body: string;
  readonly consumed: number;
  readonly done: boolean;
  readonly decoder: BodyDecoder;
}

// Feeds `input` split at the given offsets; checks that every emitted view is a subarray of the input
// piece it came from (no copies).
function run(framing: BodyFraming, input: string, splits: readonly number[] = []): Run {
  const decoder = bodyDecoder(framing);
  const all = enc(input);
  const cuts = [0, ...splits, all.length];
  let body = "";
  let consumed = 0;
  for (let k = 0; k + 1 < cuts.length; k++) {
    const piece = all.subarray(cuts[k], cuts[k + 1]);
    consumed += decoder.push(piece, (view) => {
      expect(view.buffer).toBe(piece.buffer);
      expect(view.byteOffset).toBeGreaterThanOrEqual(piece.byteOffset);
      expect(view.byteOffset + view.length).toBeLessThanOrEqual(piece.byteOffset + piece.length);
      body += Buffer.from(view).toString("latin1");
    });
    if (decoder.done) break;
  }
  return { body, consumed, done: decoder.done, decoder };
}

// Every way of cutting `input` in two and in three pieces.
function* splitsOf(input: string): Generator<number[]> {
  yield [];
  for (let a = 1; a < input.length; a++) {
    yield [a];
    for (let b = a + 1; b < input.length; b += 3) yield [a, b];
  }
}

describe("bodyDecoder: chunked", () => {
  const wire = "5\r\nhello\r\n1;name=value;x\r\n,\r\nA \t;ext\r\n world-abc\r\n0\r\nTrailer: x\r\nOther: y\r\n\r\n";

  it("decodes at every split, ignoring extensions and trailers", () => {
    for (const splits of splitsOf(wire)) {
      const r = run({ kind: "chunked" }, wire, splits);
      expect(r, `splits ${splits.join(",")}`).toMatchObject({ body: "hello, world-abc", done: true, consumed: wire.length });
      expect(r.decoder.received).toBe(16);
    }
  });

  it("reports bytes after the last chunk as not consumed", () => {
    expect(run({ kind: "chunked" }, "1\r\na\r\n0\r\n\r\nEXTRA")).toMatchObject({ body: "a", done: true, consumed: 11 });
  });

  it("is not done, and end() throws, when the body stops early", () => {
    for (const cut of [0, 3, 5, 8, 9, 11, 12]) {
      const r = run({ kind: "chunked" }, "3\r\nabc\r\n0\r\n\r\n".slice(0, cut));
      expect(r.done).toBe(false);
      expect(() => r.decoder.end()).toThrow(/connection closed after \d+ bytes/);
    }
  });

  it.each([
    ["no size", "\r\nabc", /missing chunk size/],
    ["a non-hex size", "g\r\n", /missing chunk size/],
    ["a bare LF after the size", "3\nabc", /unexpected byte/],
    ["a bare LF in an extension", "3;a\nabc", /control character/],
    ["whitespace then CRLF", "3 \r\nabc", /unexpected byte/],
    ["a missing CRLF after data", "3\r\nabcd\r\n", /expected CR/],
    ["a CR without LF after data", "3\r\nabc\rx", /expected LF/],
    ["a bare LF in trailers", "0\r\nA: b\n\r\n", /bare LF/],
    ["a bare LF ending the body", "0\r\n\n", /bare LF/],
    ["a size overflowing", "fffffffffffffff\r\n", /too large/],
    ["an endless size line", `1;${"x".repeat(20000)}`, /over/],
  ])("rejects %s", (_name, input, message) => {
    expect(() => run({ kind: "chunked" }, input)).toThrow(message);
  });

  it("accepts the largest safe chunk size as a size", () => {
    const r = run({ kind: "chunked" }, "1fffffffffffff\r\nab");
    expect(r).toMatchObject({ body: "ab", done: false });
  });
});

describe("bodyDecoder: content-length", () => {
  it("emits exactly the declared bytes at every split", () => {
    const input = "0123456789tail";
    for (const splits of splitsOf(input)) {
      expect(run({ kind: "length", length: 10 }, input, splits)).toMatchObject({ body: "0123456789", done: true });
    }
    expect(run({ kind: "length", length: 10 }, input).consumed).toBe(10);
  });

  it("names the shortfall when the connection closes early", () => {
    const r = run({ kind: "length", length: 10 }, "0123");
    expect(r.done).toBe(false);
    expect(() => r.decoder.end()).toThrow("connection closed after 4 of 10 bytes");
  });

  it("is done at once for an empty body", () => {
    expect(bodyDecoder({ kind: "length", length: 0 }).done).toBe(true);
    expect(bodyDecoder({ kind: "none" }).done).toBe(true);
  });
});

describe("bodyDecoder: read until close", () => {
  it("passes everything through and completes on end()", () => {
    const r = run({ kind: "close" }, "abc", [1]);
    expect(r).toMatchObject({ body: "abc", done: false, consumed: 3 });
    r.decoder.end();
    expect(r.decoder.done).toBe(true);
    expect(r.decoder.received).toBe(3);
  });
});
