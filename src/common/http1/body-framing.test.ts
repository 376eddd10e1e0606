import { describe, it, expect } from "vitest";
import { bodyFraming } from "./body-framing.ts";

const h = (init: [string, string][]) => {
  const headers = new Headers();
  for (const [k, v] of init) headers.append(k, v);
  return headers;
};

describe("bodyFraming", () => {
  it("has no body for HEAD, 1xx, 204 and 304 whatever the headers say", () => {
    const big = h([["content-length", "10"], ["transfer-encoding", "chunked"]]);
    expect(bodyFraming("HEAD", 200, big)).toEqual({ kind: "none" });
    for (const status of [100, 204, 304]) expect(bodyFraming("GET", status, big)).toEqual({ kind: "none" });
  });

  it("uses chunked when Transfer-Encoding is chunked, ignoring Content-Length", () => {
    expect(bodyFraming("GET", 200, h([["Transfer-Encoding", " Chunked "]]))).toEqual({ kind: "chunked" });
    expect(bodyFraming("GET", 200, h([["transfer-encoding", "chunked"], ["content-length", "3"]]))).toEqual({ kind: "chunked" });
  });

  it.each(["gzip", "gzip, chunked", "chunked, chunked", "identity", ""])("rejects Transfer-Encoding %j", (te) => {
    expect(() => bodyFraming("GET", 200, h([["transfer-encoding", te]]))).toThrow(/Transfer-Encoding/);
  });

  it("uses Content-Length, accepting identical repeats", () => {
    expect(bodyFraming("GET", 200, h([["content-length", "42"]]))).toEqual({ kind: "length", length: 42 });
    expect(bodyFraming("GET", 200, h([["content-length", "0"]]))).toEqual({ kind: "length", length: 0 });
    expect(bodyFraming("GET", 200, h([["content-length", "7"], ["content-length", "7"]]))).toEqual({ kind: "length", length: 7 });
    expect(bodyFraming("GET", 200, h([["content-length", "7, 7"]]))).toEqual({ kind: "length", length: 7 });
  });

  it.each([["7, 8"], ["-1"], ["+1"], ["1.5"], ["0x10"], ["1 2"], [""], ["99999999999999999999"]])(
    "rejects Content-Length %j",
    (cl) => {
      expect(() => bodyFraming("GET", 200, h([["content-length", cl]]))).toThrow(/Content-Length/);
    },
  );

  it("rejects conflicting repeated Content-Length fields", () => {
    expect(() => bodyFraming("GET", 200, h([["content-length", "7"], ["content-length", "8"]]))).toThrow(/invalid Content-Length/);
  });

  it("reads until close without either field", () => {
    expect(bodyFraming("GET", 200, h([]))).toEqual({ kind: "close" });
    expect(bodyFraming("GET", 500, h([["content-type", "text/plain"]]))).toEqual({ kind: "close" });
  });
});
