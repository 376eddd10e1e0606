import { describe, it, expect } from "vitest";
import { MAX_HEAD_BYTES, parseResponseHead } from "./response-head.ts";

const bytes = (s: string) => Buffer.from(s, "latin1");

describe("parseResponseHead", () => {
  it("parses the status line and fields and says where the body starts", () => {
    const input = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Thing:  a b \r\nx-thing: c\r\n\r\nhello";
    const head = parseResponseHead(bytes(input));
    expect(head).toMatchObject({ version: "1.1", status: 200, statusText: "OK" });
    expect(head?.headers.get("content-length")).toBe("5");
    expect(head?.headers.get("X-THING")).toBe("a b, c");
    expect(input.slice(head?.bodyStart)).toBe("hello");
  });

  it("returns undefined until the head is complete, at every split", () => {
    const input = "HTTP/1.0 404 Not Found\r\nA: b\r\n\r\n";
    for (let n = 0; n < input.length; n++) expect(parseResponseHead(bytes(input.slice(0, n)))).toBeUndefined();
    expect(parseResponseHead(bytes(input))).toMatchObject({ version: "1.0", status: 404, statusText: "Not Found", bodyStart: input.length });
  });

  it("accepts an empty or missing reason phrase and obs-text in values", () => {
    expect(parseResponseHead(bytes("HTTP/1.1 204 \r\n\r\n"))).toMatchObject({ status: 204, statusText: "" });
    expect(parseResponseHead(bytes("HTTP/1.1 204\r\n\r\n"))).toMatchObject({ status: 204, statusText: "" });
    expect(parseResponseHead(bytes("HTTP/1.1 200 OK\r\nX: caf\xe9\r\n\r\n"))?.headers.get("x")).toBe("caf\xe9");
  });

  it("skips interim 1xx responses", () => {
    const input = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nA: 1\r\n\r\nbody";
    const head = parseResponseHead(bytes(input));
    expect(head?.status).toBe(200);
    expect(head?.headers.get("link")).toBeNull();
    expect(input.slice(head?.bodyStart)).toBe("body");
    expect(parseResponseHead(bytes("HTTP/1.1 103 Early Hints\r\n\r\nHTTP/1.1 200 OK\r\n"))).toBeUndefined();
  });

  it.each([
    ["a bad protocol", "HTTP/2 200 OK\r\n\r\n", /bad status line/],
    ["a short status code", "HTTP/1.1 20 OK\r\n\r\n", /bad status line/],
    ["a status under 100", "HTTP/1.1 099 Odd\r\n\r\n", /bad status code/],
    ["no status line", "\r\n\r\n", /bad status line/],
    ["101 without asking", "HTTP/1.1 101 Switching Protocols\r\n\r\n", /101/],
    ["obs-fold", "HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", /folding/],
    ["space before the colon", "HTTP/1.1 200 OK\r\nA : b\r\n\r\n", /bad field line/],
    ["no colon", "HTTP/1.1 200 OK\r\nAb\r\n\r\n", /bad field line/],
    ["an empty name", "HTTP/1.1 200 OK\r\n: b\r\n\r\n", /bad field line/],
    ["a control character in a value", "HTTP/1.1 200 OK\r\nA: b\x00c\r\n\r\n", /bad value/],
    ["a lone CR in a value", "HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", /bad value/],
    ["a bare LF", "HTTP/1.1 200 OK\nA: b\n\n", /bare LF/],
  ])("rejects %s", (_name, input, message) => {
    expect(() => parseResponseHead(bytes(input))).toThrow(message);
  });

  it("rejects a bare LF before the head is complete", () => {
    expect(() => parseResponseHead(bytes("HTTP/1.1 200 OK\nA"))).toThrow(/bare LF/);
  });

  it("refuses heads over the limit, complete or not", () => {
    const filler = `X: ${"a".repeat(1000)}\r\n`.repeat(Math.ceil(MAX_HEAD_BYTES / 1000));
    expect(() => parseResponseHead(bytes(`HTTP/1.1 200 OK\r\n${filler}`))).toThrow(/longer than/);
    expect(() => parseResponseHead(bytes(`HTTP/1.1 200 OK\r\n${filler}\r\n`))).toThrow(/longer than/);
    const fits = `HTTP/1.1 200 OK\r\nX: ${"a".repeat(MAX_HEAD_BYTES - 25)}\r\n\r\n`;
    expect(fits.length).toBeLessThanOrEqual(MAX_HEAD_BYTES);
    expect(parseResponseHead(bytes(fits + "x".repeat(MAX_HEAD_BYTES)))?.bodyStart).toBe(fits.length);
  });

  it("counts interim heads against the limit", () => {
    const interim = `HTTP/1.1 103 Early Hints\r\nLink: ${"a".repeat(1000)}\r\n\r\n`.repeat(Math.ceil(MAX_HEAD_BYTES / 1000));
    expect(() => parseResponseHead(bytes(`${interim}HTTP/1.1 200 OK\r\n\r\n`))).toThrow(/longer than/);
  });
});
