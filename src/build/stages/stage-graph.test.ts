import { describe, expect, it } from "vitest";
import { parseDockerfile } from "../dockerfile/parse-dockerfile.ts";
import { globalArgScope } from "../expand/build-args.ts";
import { parsePlatform } from "../expand/platform.ts";
import { buildStageGraph, selectStages } from "./stage-graph.ts";

const platforms = { build: parsePlatform("linux/amd64"), target: parsePlatform("linux/arm64") };
function graph(text: string, buildArgs: Record<string, string> = {}) {
  const df = parseDockerfile(text);
  return buildStageGraph(df, globalArgScope(df, { buildArgs: new Map(Object.entries(buildArgs)), platforms }));
}

const multi = [
  "ARG BASE=alpine:3.19", // 1
  "FROM --platform=$BUILDPLATFORM golang:1.22 AS build", // 2
  "RUN --mount=type=cache,target=/c go build", // 3
  "FROM node:20 AS web", // 4
  "RUN npm ci", // 5
  "FROM ${BASE} AS docs", // 6
  "RUN false", // 7
  "FROM build AS test", // 8
  "RUN --mount=type=bind,from=web,target=/w go test", // 9
  "FROM scratch AS final", // 10
  "COPY --from=build /out /app", // 11
  "COPY --from=1 /dist /www", // 12
  "COPY --from=nginx:1.25 /etc/nginx/mime.types /etc/", // 13
].join("\n");

describe("buildStageGraph", () => {
  it("resolves bases, sources and platforms", () => {
    const g = graph(multi);
    expect(g.stages.map((s) => [s.index, s.name, s.base, s.edges.map((e) => [e.index, e.via, e.line])])).toEqual([
      [0, "build", { kind: "image", ref: "golang:1.22" }, []],
      [1, "web", { kind: "image", ref: "node:20" }, []],
      [2, "docs", { kind: "image", ref: "alpine:3.19" }, []],
      [3, "test", { kind: "stage", index: 0 }, [[0, "from", 8], [1, "mount", 9]]],
      [4, "final", { kind: "scratch" }, [[0, "copy", 11], [1, "copy", 12]]],
    ]);
    expect(g.stages[0]?.platform).toEqual({ os: "linux", architecture: "amd64" });
    expect(g.stages[4]?.sourceImages).toEqual([{ ref: "nginx:1.25", line: 13 }]);
  });

  it("expands FROM with global ARGs and --build-arg only", () => {
    expect(graph(multi, { BASE: "debian:12" }).stages[2]?.base).toEqual({ kind: "image", ref: "debian:12" });
    expect(() => graph("ARG X\nFROM ${X}")).toThrow("Dockerfile:2: base name (${X}) should not be blank");
  });

  it("takes FROM <name> as a stage only when an earlier stage has that name", () => {
    const g = graph("FROM later AS first\nFROM alpine AS later");
    expect(g.stages[0]?.base).toEqual({ kind: "image", ref: "later" });
  });

  it("rejects a bad index, a variable --from and cycles, naming the line", () => {
    expect(() => graph("FROM a\nCOPY --from=3 /x /y")).toThrow("Dockerfile:2: invalid stage index 3");
    expect(() => graph("FROM a\nCOPY --from=$S /x /y")).toThrow("Dockerfile:2: COPY --from=$S: --from doesn't support variable expansion");
    expect(() => graph("FROM a AS x\nCOPY --from=y /a /a\nFROM b AS y\nCOPY --from=x /b /b")).toThrow(
      "Dockerfile:4: circular dependency detected on stage: x (x → y → x)",
    );
    expect(() => graph("FROM a AS self\nCOPY --from=self /a /b")).toThrow("Dockerfile:2: circular dependency detected on stage: self (self → self)");
  });
});

describe("selectStages", () => {
  it("builds the last stage by default, with what it needs, in waves", () => {
    expect(selectStages(graph(multi))).toEqual({ target: 4, order: [0, 1, 4], waves: [[0, 1], [4]] });
  });
  it("skips unrelated stages, even one that would fail", () => {
    const s = selectStages(graph(multi), "test");
    expect(s).toEqual({ target: 3, order: [0, 1, 3], waves: [[0, 1], [3]] });
    expect(s.order).not.toContain(2);
  });
  it("chains of stages make one wave each", () => {
    const g = graph("FROM a AS base\nFROM base AS deps\nFROM deps AS build\nFROM base AS final\nCOPY --from=deps /a /a\nCOPY --from=build /b /b");
    expect(selectStages(g).waves).toEqual([[0], [1], [2], [3]]);
    expect(selectStages(g, "DEPS").order).toEqual([0, 1]);
  });
  it("rejects an unknown target", () => {
    expect(() => selectStages(graph(multi), "nope")).toThrow('target stage "nope" could not be found');
  });
});
