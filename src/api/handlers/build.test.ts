import { describe, expect, it } from "vitest";
import { BUILDKIT_UNSUPPORTED, parseBuildQuery } from "./build.ts";

const q = (s: string) => new URLSearchParams(s);

describe("parseBuildQuery", () => {
  it("reads what the classic docker CLI sends", () => {
    expect(parseBuildQuery(q("t=a:1&t=b&dockerfile=sub/Dockerfile.dev&buildargs=%7B%22X%22%3A%221%22%2C%22Y%22%3Anull%7D&target=final&nocache=1&labels=%7B%7D&q=true&rm=1"))).toEqual({
      tags: ["a:1", "b"],
      dockerfile: "sub/Dockerfile.dev",
      target: "final",
      buildArgs: { X: "1" },
      noCache: true,
      quiet: true,
      pull: false,
    });
  });
  it("defaults to ./Dockerfile, no tags, no args", () => {
    expect(parseBuildQuery(q(""))).toEqual({ tags: [], dockerfile: "Dockerfile", buildArgs: {}, noCache: false, quiet: false, pull: false });
  });
  it("refuses BuildKit sessions with the way out", () => {
    expect(() => parseBuildQuery(q("version=2"))).toThrow(BUILDKIT_UNSUPPORTED);
  });
  it("refuses labels, which the builder cannot set", () => {
    expect(() => parseBuildQuery(q(`labels=${encodeURIComponent('{"a":"b"}')}`))).toThrow(/labels .* not implemented/);
  });
  it("refuses a Dockerfile path leaving the context and malformed JSON or tags", () => {
    expect(() => parseBuildQuery(q("dockerfile=../Dockerfile"))).toThrow(/"\.\."/);
    expect(() => parseBuildQuery(q("buildargs=%5B1%5D"))).toThrow(/expected a JSON object/);
    expect(() => parseBuildQuery(q("buildargs=nope"))).toThrow(/invalid buildargs/);
    expect(() => parseBuildQuery(q("t=UPPER:case"))).toThrow();
  });
});
