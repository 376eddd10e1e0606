import { describe, it, expect } from "vitest";
import { isKind } from "../errors.ts";
import { formatRequestHead, requestTarget } from "./request-head.ts";

describe("requestTarget", () => {
  it("uses the scheme's default port and keeps the query, not the fragment", () => {
    expect(requestTarget(new URL("http://registry.local/v2/x/blobs/sha256:ab?x=1#frag"))).toEqual({
      secure: false,
      host: "registry.local",
      port: 80,
      servername: undefined,
      authority: "registry.local",
      path: "/v2/x/blobs/sha256:ab?x=1",
    });
    expect(requestTarget(new URL("https://example.com"))).toMatchObject({ port: 443, servername: "example.com", path: "/" });
  });

  it("puts a non-default port in Host", () => {
    expect(requestTarget(new URL("https://example.com:8443/a"))).toMatchObject({ port: 8443, authority: "example.com:8443" });
    expect(requestTarget(new URL("http://example.com:80/a")).authority).toBe("example.com");
  });

  it("strips IPv6 brackets for connecting and sends no SNI for IP literals", () => {
    expect(requestTarget(new URL("https://[::1]:5000/v2/"))).toMatchObject({ host: "::1", port: 5000, servername: undefined, authority: "[::1]:5000" });
    expect(requestTarget(new URL("https://127.0.0.1/")).servername).toBeUndefined();
  });

  it("refuses other schemes and credentials", () => {
    for (const url of ["ftp://x/", "unix:/run/x.sock", "http://u:p@x/"]) {
      let err: unknown;
      try {
        requestTarget(new URL(url));
      } catch (e) {
        err = e;
      }
      expect(isKind(err, "InvalidArgument"), url).toBe(true);
    }
  });
});

describe("formatRequestHead", () => {
  const target = requestTarget(new URL("http://127.0.0.1:5000/v2/?n=1"));

  it("writes the request line and the default fields", () => {
    expect(formatRequestHead("GET", target, { Authorization: "Bearer t" })).toBe(
      "GET /v2/?n=1 HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nAccept-Encoding: identity\r\nAuthorization: Bearer t\r\n\r\n",
    );
  });

  it("lets the caller replace a default field, whatever its case", () => {
    const head = formatRequestHead("HEAD", target, { host: "other", "ACCEPT-ENCODING": "gzip" });
    expect(head).toBe("HEAD /v2/?n=1 HTTP/1.1\r\nhost: other\r\nACCEPT-ENCODING: gzip\r\n\r\n");
  });

  it("sends the caller's Connection field as given (and adds none itself)", () => {
    expect(formatRequestHead("GET", target, { Connection: "close" })).toBe(
      "GET /v2/?n=1 HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n",
    );
  });

  it.each([
    [{ "X-A": "b\r\nInjected: 1" }],
    [{ "X-A": "b\nc" }],
    [{ "Bad Name": "x" }],
    [{ "": "x" }],
  ])("refuses fields that could break the framing: %j", (headers) => {
    expect(() => formatRequestHead("GET", target, headers)).toThrow(/invalid/);
  });
});
