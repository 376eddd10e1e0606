import { describe, it, expect } from "vitest";
import { originKey } from "./origin-key.ts";
import { requestTarget } from "./request-head.ts";

const key = (url: string, tls?: Parameters<typeof originKey>[1]) => originKey(requestTarget(new URL(url)), tls);

describe("originKey", () => {
  it("is the same for URLs of one origin, whatever the path", () => {
    expect(key("http://registry:5000/v2/a")).toBe(key("http://registry:5000/v2/b?x=1"));
    expect(key("https://registry/v2/")).toBe(key("https://registry:443/other"));
  });

  it("differs by scheme, host and port", () => {
    const keys = new Set([
      key("http://registry:443/"),
      key("https://registry:443/"),
      key("https://registry2:443/"),
      key("https://registry:444/"),
      key("http://[::1]:80/"),
      key("http://127.0.0.1:80/"),
    ]);
    expect(keys.size).toBe(6);
  });

  it("for TLS, compares the CA by content and whether the certificate is verified", () => {
    const url = "https://registry/";
    expect(key(url, { ca: "PEM" })).toBe(key(url, { ca: Buffer.from("PEM") }));
    expect(key(url, { ca: "PEM", rejectUnauthorized: true })).toBe(key(url, { ca: "PEM" }));
    expect(key(url, { ca: "PEM" })).not.toBe(key(url, { ca: "OTHER" }));
    expect(key(url, { ca: "PEM" })).not.toBe(key(url));
    expect(key(url, { rejectUnauthorized: false })).not.toBe(key(url));
  });
});
