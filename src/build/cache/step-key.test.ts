import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseDockerfile } from "../dockerfile/parse-dockerfile.ts";
import { globalArgScope } from "../expand/build-args.ts";
import { expandStage } from "../expand/expand-stage.ts";
import { parsePlatform } from "../expand/platform.ts";
import type { PlannedStep } from "../expand/step.ts";
import { buildStageGraph } from "../stages/stage-graph.ts";
import { copySourceDigest } from "./copy-source-digest.ts";
import { baseCacheKey, stepCacheKey, type StepInputs } from "./step-key.ts";

const platform = parsePlatform("linux/amd64");
const platforms = { build: platform, target: platform };
const sha = (s: string) => `sha256:${createHash("sha256").update(s).digest("hex")}`;
const IMAGE = `sha256:${"a".repeat(64)}`;

function plan(text: string, buildArgs: Record<string, string> = {}): readonly PlannedStep[] {
  const dockerfile = parseDockerfile(text);
  const args = new Map(Object.entries(buildArgs));
  const graph = buildStageGraph(dockerfile, globalArgScope(dockerfile, { buildArgs: args, platforms }));
  return expandStage({ dockerfile, graph, stage: 0, base: { Env: ["PATH=/bin"] }, buildArgs: args, platforms }).steps;
}

/** The key of every step, given each step's inputs by index. */
function keys(text: string, buildArgs: Record<string, string> = {}, inputs: Record<number, StepInputs> = {}): string[] {
  let key = baseCacheKey({ kind: "image", digest: IMAGE, platform });
  return plan(text, buildArgs).map((s, i) => (key = stepCacheKey(key, s, inputs[i])));
}

const file = (content: string) => copySourceDigest([{ path: "app.js", type: "file", mode: 0o644, uid: 0, gid: 0, size: content.length, contentDigest: sha(content) }]);
const DF = "FROM node:20\nARG NODE_ENV=production\nWORKDIR /app\nCOPY app.js .\nRUN node app.js\nCMD [\"node\", \"app.js\"]";
const inputs = (content: string) => ({ 2: { sources: file(content) } });

describe("baseCacheKey", () => {
  it("is pinned", () => {
    expect(baseCacheKey({ kind: "image", digest: IMAGE, platform })).toBe("sha256:c74859e989345eab1fdb320bc64807957f006545f310417bf4826e6d8a1bad1d");
    expect(baseCacheKey({ kind: "scratch", platform })).toBe("sha256:f530a4c769b6241b2ddf05c64de0ce88a2589d0b6de96249ff0ca1484b14232d");
    expect(baseCacheKey({ kind: "stage", key: "sha256:x" })).toBe("sha256:x");
  });
});

describe("stepCacheKey", () => {
  const golden = keys(DF, {}, inputs("console.log('hi')"));
  it("is pinned", () => {
    expect(golden).toEqual(["sha256:8b2826b6aef3fe79bedb95983f015195a620610a48dae0b0f8bf2ca87abff645", "sha256:353d5b8d5493df0c23cad76ee20bdd447652199e2cebe3523a967f33ebe62c0e", "sha256:76d2c1597c7ebca1c70bb1be40e6ecf034e83d2a6060889b83abf3aefc3c0b65", "sha256:68959c0ac81ac762378a745bb9f37fb5f826e6960e4afb437df346061f4be695", "sha256:52f0ebfef7de22dbb4a971f45ac9ff3e1e7b8942ec5b72a722aad29f3372dc71"]);
  });
  it("does not change when a file is only touched; changes from COPY on when its content changes", () => {
    const touched = copySourceDigest([
      { path: "app.js", type: "file", mode: 0o644, uid: 0, gid: 0, size: 17, contentDigest: sha("console.log('hi')"), ...{ mtime: 1 } },
    ]);
    expect(keys(DF, {}, { 2: { sources: touched } })).toEqual(golden);
    const changed = keys(DF, {}, inputs("console.log('yo')"));
    expect(changed.slice(0, 2)).toEqual(golden.slice(0, 2));
    expect(changed.slice(2).some((k, i) => k === golden[2 + i])).toBe(false);
  });
  it("does not change when instructions only move to other lines", () => {
    expect(keys(DF.replace("WORKDIR", "\n\n# moved\nWORKDIR"), {}, inputs("console.log('hi')"))).toEqual(golden);
  });
  it("a build arg changes keys where it is used (RUN's environment), not where it is declared", () => {
    const dev = keys(DF, { NODE_ENV: "development" }, inputs("console.log('hi')"));
    expect(dev.slice(0, 3)).toEqual(golden.slice(0, 3));
    expect(dev[3]).not.toBe(golden[3]);
  });
  it("an unused build arg changes nothing", () => {
    expect(keys(DF, { UNUSED: "1" }, inputs("console.log('hi')"))).toEqual(golden);
  });
  it("a COPY key depends only on the args it expands", () => {
    const text = "FROM x\nARG A B\nCOPY $A /dst";
    const base = keys(text, { A: "a", B: "1" }, { 1: { sources: file("x") } });
    expect(keys(text, { A: "a", B: "2" }, { 1: { sources: file("x") } })).toEqual(base);
    expect(keys(text, { A: "b", B: "1" }, { 1: { sources: file("x") } })[1]).not.toBe(base[1]);
  });
  it("proxy args never change a key", () => {
    const text = "FROM x\nARG HTTP_PROXY\nRUN curl -fsS https://example.com\nLABEL via=$HTTP_PROXY";
    const without = keys(text);
    expect(keys(text, { HTTP_PROXY: "http://proxy-a:3128", https_proxy: "http://proxy-b:3128", NO_PROXY: "localhost" })).toEqual(without);
  });
  it("bind-mounted content is an input of RUN", () => {
    const text = "FROM x\nRUN --mount=type=bind,source=go.sum,target=go.sum go mod download";
    const a = keys(text, {}, { 0: { bindMounts: [sha("a")] } });
    expect(keys(text, {}, { 0: { bindMounts: [sha("b")] } })[0]).not.toBe(a[0]);
  });
  it("insists on the inputs a step reads", () => {
    const [copy] = plan("FROM x\nCOPY a /a");
    const [run] = plan("FROM x\nRUN --mount=type=bind,target=/s make");
    if (copy === undefined || run === undefined) throw new Error("no steps");
    expect(() => stepCacheKey("k", copy)).toThrow("source digest missing");
    expect(() => stepCacheKey("k", run)).toThrow("1 bind mount digests expected, 0 given");
    const [heredoc] = plan("FROM x\nCOPY <<EOF /a\nhi\nEOF");
    if (heredoc === undefined) throw new Error("no steps");
    expect(() => stepCacheKey("k", heredoc, { sources: sha("x") })).toThrow("given for a step that reads none");
  });
});
