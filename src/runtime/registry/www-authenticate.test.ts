import { describe, expect, it } from "vitest";
import { parseWwwAuthenticate } from "./www-authenticate.ts";

describe("parseWwwAuthenticate", () => {
  it("parses Docker Hub's bearer challenge", () => {
    const h = 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"';
    expect(parseWwwAuthenticate(h)).toEqual([
      { scheme: "bearer", realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:library/busybox:pull" },
    ]);
  });

  it("keeps commas inside quoted values and unescapes quotes", () => {
    const h = 'bearer realm="https://r/t", scope="repository:a/b:pull,push", service=reg\\x, error="say \\"hi\\""';
    const [c] = parseWwwAuthenticate(h);
    expect(c).toEqual({ scheme: "bearer", realm: "https://r/t", service: "reg\\x", scope: "repository:a/b:pull,push" });
  });

  it("parses basic and several challenges, skipping unknown schemes and bearer without realm", () => {
    expect(parseWwwAuthenticate('Basic realm="Registry Realm"')).toEqual([{ scheme: "basic", realm: "Registry Realm" }]);
    expect(parseWwwAuthenticate('Negotiate abc, Bearer service="x", Basic realm="r", Bearer realm="https://t"')).toEqual([
      { scheme: "basic", realm: "r" },
      { scheme: "bearer", realm: "https://t" },
    ]);
    expect(parseWwwAuthenticate("")).toEqual([]);
  });
});
