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
      ignored: [],
    });
  });
  it("defaults to ./Dockerfile, no tags, no args", () => {
    expect(parseBuildQuery(q(""))).toEqual({ tags: [], dockerfile: "Dockerfile", buildArgs: {}, noCache: false, quiet: false, ignored: [] });
  });
  it("names the parameters it ignores when they carry a value, not the neutral ones the CLI always sends", () => {
    const cliDefaults = "cachefrom=%5B%5D&cgroupparent=&cpuperiod=0&cpuquota=0&cpusetcpus=&cpusetmems=&cpushares=0&memory=0&memswap=0&networkmode=default&shmsize=0&ulimits=null&rm=1";
    expect(parseBuildQuery(q(cliDefaults)).ignored).toEqual([]);
    expect(parseBuildQuery(q(`${cliDefaults}&pull=1&platform=linux%2Farm64&memory=1073741824&networkmode=none`)).ignored).toEqual(["pull", "platform", "networkmode", "memory"]);
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
