import { describe, expect, it } from "vitest";
import { parseDockerfile } from "./parse-dockerfile.ts";

describe("parseDockerfile", () => {
  it("splits global ARGs and stages", () => {
    const df = parseDockerfile("# syntax=docker/dockerfile:1\nARG V=1\nFROM a:$V AS one\nRUN x\nFROM one\nCMD y\n");
    expect(df.directives).toEqual({ escape: "\\", syntax: "docker/dockerfile:1" });
    expect(df.metaArgs.map((a) => a.args)).toEqual([[{ name: "V", default: "1" }]]);
    expect(df.stages.map((s) => [s.index, s.name, s.from.image, s.instructions.map((i) => i.kind)])).toEqual([
      [0, "one", "a:$V", ["run"]],
      [1, undefined, "one", ["cmd"]],
    ]);
    expect(df.stages[1]?.from.line).toBe(5);
  });
  it("names the file it was given", () => {
    expect(() => parseDockerfile("FROM a\nBAD x", { file: "app/Dockerfile.dev" })).toThrow("app/Dockerfile.dev:2: unknown instruction: BAD");
  });
  it("rejects instructions before FROM, no FROM, and duplicate stage names", () => {
    expect(() => parseDockerfile("RUN x\nFROM a")).toThrow("Dockerfile:1: RUN before the first FROM");
    expect(() => parseDockerfile("ARG x\n# only\n")).toThrow("no FROM instruction");
    expect(() => parseDockerfile("")).toThrow("no FROM instruction");
    expect(() => parseDockerfile("FROM a AS b\nFROM c AS B")).toThrow('Dockerfile:2: duplicate stage name "b" (first at Dockerfile:1)');
  });
  it("locates line-level errors", () => {
    expect(() => parseDockerfile("FROM a\nRUN <<EOF\nx\n")).toThrow("Dockerfile:2: unterminated heredoc EOF");
    expect(() => parseDockerfile("# escape=x\nFROM a")).toThrow("Dockerfile:1: invalid escape token");
  });
  it("records syntax=, and warns when it names another frontend or asks for checks", () => {
    expect(parseDockerfile("# syntax=docker/dockerfile:1.7-labs\nFROM a").warnings).toEqual([]);
    expect(parseDockerfile("# syntax=docker.io/docker/dockerfile:1@sha256:ac85\nFROM a").warnings).toEqual([]);
    expect(parseDockerfile("# syntax=example/frontend:2\n# check=error=true\nFROM a").warnings.map((w) => w.message)).toEqual([
      "syntax=example/frontend:2 is not used: tstack parses the standard Dockerfile syntax itself",
      "check= is not used: tstack does not run build checks",
    ]);
  });
  it("warns about blank lines inside a continuation", () => {
    expect(parseDockerfile("FROM a\nRUN a \\\n\n b").warnings).toEqual([
      { file: "Dockerfile", line: 2, message: expect.stringContaining("empty continuation line") },
    ]);
  });
});
