import { describe, expect, it } from "vitest";
import { parseDockerfile } from "../dockerfile/parse-dockerfile.ts";
import { globalArgScope, proxyEnv, unusedBuildArgs } from "./build-args.ts";
import { parsePlatform, platformArgs } from "./platform.ts";

const platforms = { build: parsePlatform("linux/amd64"), target: parsePlatform("linux/arm/v7") };

describe("platformArgs", () => {
  it("names build and target platforms", () => {
    expect(Object.fromEntries(platformArgs(platforms))).toEqual({
      BUILDPLATFORM: "linux/amd64",
      BUILDOS: "linux",
      BUILDARCH: "amd64",
      BUILDVARIANT: "",
      TARGETPLATFORM: "linux/arm/v7",
      TARGETOS: "linux",
      TARGETARCH: "arm",
      TARGETVARIANT: "v7",
    });
  });
  it("rejects a malformed platform", () => {
    expect(() => parsePlatform("amd64")).toThrow('invalid platform "amd64"');
  });
});

describe("globalArgScope", () => {
  const df = parseDockerfile("ARG A=1\nARG B=${A}2 C\nARG TARGETARCH\nFROM x");
  it("expands defaults in order and takes build args over defaults", () => {
    const scope = globalArgScope(df, { buildArgs: new Map(), platforms });
    expect([scope.get("A"), scope.get("B"), scope.has("C"), scope.get("C"), scope.get("TARGETARCH")]).toEqual(["1", "12", true, undefined, "arm"]);
    const over = globalArgScope(df, { buildArgs: new Map([["A", "9"], ["C", "c"], ["TARGETARCH", "riscv64"]]), platforms });
    expect([over.get("B"), over.get("C"), over.get("TARGETARCH")]).toEqual(["92", "c", "riscv64"]);
  });
  it("names the line of a failing default", () => {
    const bad = parseDockerfile('ARG A\nARG B="${A:?A is required}"\nFROM x');
    expect(() => globalArgScope(bad, { buildArgs: new Map(), platforms })).toThrow("Dockerfile:2: A: A is required");
  });
});

describe("proxy and unused build args", () => {
  const df = parseDockerfile("ARG G\nFROM x\nARG S1\nFROM y\nARG S2");
  const args = new Map([["G", "1"], ["S1", "1"], ["S2", "1"], ["NOPE", "1"], ["HTTP_PROXY", "http://p"], ["TARGETOS", "linux"]]);
  it("keeps the proxy args apart", () => {
    expect([...proxyEnv(args)]).toEqual([["HTTP_PROXY", "http://p"]]);
  });
  it("lists build args no ARG in the chosen stages declares", () => {
    expect(unusedBuildArgs(df, [0, 1], args)).toEqual(["NOPE"]);
    expect(unusedBuildArgs(df, [0], args)).toEqual(["S2", "NOPE"]);
  });
});
