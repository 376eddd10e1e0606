import { describe, expect, it } from "vitest";
import { TstackError } from "../../common/errors.ts";
import {
  familiarName,
  familiarRepository,
  parseNamedReference,
  parseReference,
  pullTarget,
  registryHost,
  repositoryName,
  toString,
  validateDigest,
  withDigest,
  withTag,
} from "./index.ts";

const HEX = "a".repeat(64);
const DIGEST = `sha256:${HEX}`;

function expectInvalid(input: string, fragment: string | RegExp): void {
  let caught: unknown;
  try {
    parseReference(input);
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected ${JSON.stringify(input)} to be refused`).toBeInstanceOf(TstackError);
  const err = caught as TstackError;
  expect(err.kind).toBe("InvalidArgument");
  expect(err.message).toContain(`"${input}"`);
  if (typeof fragment === "string") expect(err.message).toContain(fragment);
  else expect(err.message).toMatch(fragment);
}

describe("parseReference normalisation", () => {
  it.each([
    ["busybox", "docker.io/library/busybox:latest", "busybox:latest"],
    ["busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36"],
    ["user/repo", "docker.io/user/repo:latest", "user/repo:latest"],
    ["docker.io/busybox", "docker.io/library/busybox:latest", "busybox:latest"],
    ["docker.io/library/busybox:x", "docker.io/library/busybox:x", "busybox:x"],
    ["index.docker.io/library/busybox", "docker.io/library/busybox:latest", "busybox:latest"],
    ["index.docker.io/busybox", "docker.io/library/busybox:latest", "busybox:latest"],
    ["library/a/b", "docker.io/library/a/b:latest", "library/a/b:latest"],
    ["localhost/x", "localhost/x:latest", "localhost/x:latest"],
    ["localhost:5000/x/y:t", "localhost:5000/x/y:t", "localhost:5000/x/y:t"],
    ["example.com/a/b/c", "example.com/a/b/c:latest", "example.com/a/b/c:latest"],
    ["127.0.0.1:5000/a", "127.0.0.1:5000/a:latest", "127.0.0.1:5000/a:latest"],
    ["[::1]:5000/a", "[::1]:5000/a:latest", "[::1]:5000/a:latest"],
    ["[2001:db8::1]/a:v1", "[2001:db8::1]/a:v1", "[2001:db8::1]/a:v1"],
    ["Registry/a", "Registry/a:latest", "Registry/a:latest"],
    ["user/a__b.c--d_e", "docker.io/user/a__b.c--d_e:latest", "user/a__b.c--d_e:latest"],
    ["a.b/c", "a.b/c:latest", "a.b/c:latest"],
  ])("%s → %s", (input, canonical, familiar) => {
    const ref = parseReference(input);
    expect(toString(ref)).toBe(canonical);
    expect(familiarName(ref)).toBe(familiar);
  });

  it("splits domain and path", () => {
    expect(parseReference("localhost:5000/x/y:t")).toEqual({ domain: "localhost:5000", path: "x/y", tag: "t" });
    expect(parseReference("busybox")).toEqual({ domain: "docker.io", path: "library/busybox", tag: "latest" });
  });

  it("treats a number after a single component as a tag, after a domain as a port", () => {
    expect(parseReference("a:5000")).toEqual({ domain: "docker.io", path: "library/a", tag: "5000" });
    expect(parseReference("localhost:5000/a")).toEqual({ domain: "localhost:5000", path: "a", tag: "latest" });
    expect(parseReference("a:5000/b")).toEqual({ domain: "a:5000", path: "b", tag: "latest" });
    expect(parseReference("localhost:5000/a:5000")).toEqual({ domain: "localhost:5000", path: "a", tag: "5000" });
    // Like Docker, bare "localhost" is a repository name on Docker Hub.
    expect(parseReference("localhost")).toEqual({ domain: "docker.io", path: "library/localhost", tag: "latest" });
  });

  it("keeps a digest-only reference without a tag", () => {
    const ref = parseReference(`busybox@${DIGEST}`);
    expect(ref).toEqual({ domain: "docker.io", path: "library/busybox", digest: DIGEST });
    expect(toString(ref)).toBe(`docker.io/library/busybox@${DIGEST}`);
    expect(familiarName(ref)).toBe(`busybox@${DIGEST}`);
    expect(pullTarget(ref)).toBe(DIGEST);
  });

  it("keeps both tag and digest; the digest is what gets pulled", () => {
    const ref = parseReference(`localhost:5000/a/b:v2@${DIGEST}`);
    expect(ref).toEqual({ domain: "localhost:5000", path: "a/b", tag: "v2", digest: DIGEST });
    expect(pullTarget(ref)).toBe(DIGEST);
    expect(toString(ref)).toBe(`localhost:5000/a/b:v2@${DIGEST}`);
  });

  it("accepts sha512 digests and long valid tags", () => {
    const d512 = `sha512:${"b".repeat(128)}`;
    expect(parseReference(`x@${d512}`).digest).toBe(d512);
    const tag = `A${"_.-".repeat(42)}b`;
    expect(tag.length).toBe(128);
    expect(parseReference(`x:${tag}`).tag).toBe(tag);
  });

  it("parseNamedReference adds no default tag", () => {
    expect(parseNamedReference("busybox")).toEqual({ domain: "docker.io", path: "library/busybox" });
  });
});

describe("parseReference rejects", () => {
  it.each([
    ["", "empty reference"],
    ["Busybox", "repository name must be lowercase"],
    ["docker.io/User/repo", "repository name must be lowercase"],
    ["localhost:5000/Foo/bar:tag", "repository name must be lowercase"],
    ["busybox:", "empty tag"],
    ["localhost:5000/a:", "empty tag"],
    ["busybox@", "empty digest"],
    [`a@${DIGEST}@${DIGEST}`, "more than one '@'"],
    ["busybox:-x", "invalid tag"],
    [`busybox:${"a".repeat(129)}`, "invalid tag"],
    ["busybox:a/b", "invalid registry domain \"busybox:a\""],
    ["busybox@sha256:abc", "invalid digest format"],
    [`busybox@sha256:${"a".repeat(40)}`, "expected 64 lowercase hex"],
    [`busybox@sha256:${"A".repeat(64)}`, "lowercase hex"],
    [`busybox@md5:${"a".repeat(32)}`, "unsupported digest algorithm"],
    ["busybox@notadigest", "invalid digest format"],
    [HEX, "image ID"],
    ["-busybox", "invalid repository name"],
    ["a//b", "invalid repository name"],
    ["a/b/", "invalid repository name"],
    ["a..b", "invalid repository name"],
    [":tag", "missing repository name"],
    ["[fe80::1%eth0]:5000/a", "invalid registry domain"],
    ["-bad.com/a", "invalid registry domain"],
    ["a b", "invalid"],
  ])("%j (%s)", (input, fragment) => expectInvalid(input, fragment));

  it("limits the repository name to 255 characters (normalised)", () => {
    const path = "a".repeat(255 - "docker.io/".length);
    expect(repositoryName(parseReference(path.slice(0, -"library/".length)))).toHaveLength(255);
    expectInvalid(path, "longer than 255");
  });
});

describe("helpers", () => {
  it("registryHost maps Docker Hub to its API host", () => {
    expect(registryHost("docker.io")).toBe("registry-1.docker.io");
    expect(registryHost("localhost:5000")).toBe("localhost:5000");
  });

  it("familiarRepository keeps foreign domains and nested library paths", () => {
    expect(familiarRepository({ domain: "docker.io", path: "library/busybox" })).toBe("busybox");
    expect(familiarRepository({ domain: "docker.io", path: "library/a/b" })).toBe("library/a/b");
    expect(familiarRepository({ domain: "quay.io", path: "library/busybox" })).toBe("quay.io/library/busybox");
  });

  it("withTag and withDigest validate", () => {
    const ref = parseReference("busybox");
    expect(toString(withTag(ref, "v1"))).toBe("docker.io/library/busybox:v1");
    expect(() => withTag(ref, "bad tag")).toThrow(/invalid tag/);
    expect(toString(withDigest(ref, DIGEST))).toBe(`docker.io/library/busybox:latest@${DIGEST}`);
    expect(() => withDigest(ref, "sha256:12")).toThrow(/invalid digest/);
    expect(validateDigest(DIGEST)).toBe(DIGEST);
    expect(() => validateDigest("sha1:abc")).toThrow(TstackError);
  });
});
