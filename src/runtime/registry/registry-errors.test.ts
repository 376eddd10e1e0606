import { describe, expect, it } from "vitest";
import { createTokenCache } from "./token-cache.ts";
import { isTransientStatus, networkError, parseOciErrors, registryError } from "./registry-errors.ts";
import { isInsecureRegistry } from "./transport.ts";

const body = (code: string, message: string) => JSON.stringify({ errors: [{ code, message, detail: {} }] });

describe("registryError", () => {
  it("maps statuses and OCI codes to error kinds, keeping the registry's message", () => {
    const ctx = { action: "pull manifest for x:y", notFound: "manifest for x:y not found" };
    expect(registryError(404, body("MANIFEST_UNKNOWN", "manifest unknown"), ctx)).toMatchObject({
      kind: "NotFound",
      message: "manifest for x:y not found: manifest unknown",
    });
    expect(registryError(401, body("UNAUTHORIZED", "authentication required"), ctx).kind).toBe("PermissionDenied");
    expect(registryError(403, "", ctx)).toMatchObject({ kind: "PermissionDenied", message: "pull manifest for x:y: access denied: HTTP 403" });
    expect(registryError(503, "<html>down</html>", ctx)).toMatchObject({ kind: "Unavailable" });
    expect(registryError(429, body("TOOMANYREQUESTS", "slow down"), ctx).message).toContain("slow down");
    expect(registryError(400, body("DIGEST_INVALID", "bad digest"), ctx).kind).toBe("DataLoss");
    expect(registryError(400, body("MANIFEST_INVALID", "bad"), ctx).kind).toBe("InvalidArgument");
    expect(registryError(400, body("BLOB_UNKNOWN", "no blob"), ctx).kind).toBe("NotFound");
    expect(registryError(405, body("UNSUPPORTED", "nope"), ctx).kind).toBe("Unimplemented");
    expect(registryError(500, body("MANIFEST_UNKNOWN", "weird"), ctx).kind).toBe("Unavailable");
  });

  it("parses several errors and ignores non-OCI bodies", () => {
    expect(parseOciErrors(JSON.stringify({ errors: [{ code: "A", message: "a" }, { code: "B" }] }))).toEqual([
      { code: "A", message: "a" },
      { code: "B", message: "" },
    ]);
    expect(parseOciErrors("oops")).toEqual([]);
    expect(registryError(400, JSON.stringify({ errors: [{ code: "A", message: "a" }, { code: "NAME_INVALID" }] }), { action: "x" }).message).toBe(
      "x: HTTP 400: a; name invalid",
    );
  });

  it("classifies transient statuses and network errors", () => {
    expect([500, 502, 503, 504, 429, 408].every(isTransientStatus)).toBe(true);
    expect([400, 401, 404, 501].some(isTransientStatus)).toBe(false);
    const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const err = networkError(new TypeError("fetch failed", { cause }), "127.0.0.1:1", "ping");
    expect(err.kind).toBe("Unavailable");
    expect(err.message).toBe("ping: cannot reach registry 127.0.0.1:1: fetch failed: connect ECONNREFUSED 127.0.0.1:1");
    expect(err.cause).toBeInstanceOf(TypeError);
  });
});

describe("isInsecureRegistry", () => {
  it("treats loopback and listed registries as plain HTTP", () => {
    for (const d of ["localhost", "localhost:5000", "127.0.0.1:5000", "127.1.2.3", "[::1]:5000", "[::1]"]) {
      expect(isInsecureRegistry(d, [])).toBe(true);
    }
    expect(isInsecureRegistry("docker.io", [])).toBe(false);
    expect(isInsecureRegistry("10.0.0.1:5000", [])).toBe(false);
    expect(isInsecureRegistry("10.0.0.1:5000", ["10.0.0.1"])).toBe(true);
    expect(isInsecureRegistry("reg.lan:5000", ["reg.lan:5000"])).toBe(true);
  });
});

describe("token cache", () => {
  it("expires tokens a little before their lifetime", () => {
    let now = 0;
    const cache = createTokenCache({ now: () => now, sleep: async () => {} });
    cache.set("k", "t", 60);
    now = 54_000;
    expect(cache.get("k")).toBe("t");
    now = 55_000;
    expect(cache.get("k")).toBeUndefined();
    cache.set("k", "u", 60);
    cache.delete("k");
    expect(cache.get("k")).toBeUndefined();
  });
});
