import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseCacheKey, stepCacheKey } from "./cache/step-key.ts";
import { parseDockerfile } from "./dockerfile/parse-dockerfile.ts";
import { parsePlatform } from "./expand/platform.ts";
import type { BuildImageConfig } from "./expand/step.ts";
import { planBuild, planStage, type BuildPlan } from "./plan-build.ts";

const platforms = { build: parsePlatform("linux/amd64"), target: parsePlatform("linux/arm64") };
const sha = (s: string) => `sha256:${createHash("sha256").update(s).digest("hex")}`;
const dir = join(import.meta.dirname, "testdata");

// What an executor does with the front end, with every effect faked: images resolve to a fixed
// config and digest, sources to the digest of their text.
function run(plan: BuildPlan): Map<number, { config: BuildImageConfig; key: string; steps: number }> {
  const done = new Map<number, { config: BuildImageConfig; key: string; steps: number }>();
  for (const i of plan.selection.order) {
    const node = plan.graph.stages[i];
    if (node === undefined) throw new Error("no stage");
    const platform = node.platform ?? platforms.target;
    const parent = node.base.kind === "stage" ? done.get(node.base.index) : undefined;
    const base = node.base.kind === "image" ? { Env: ["PATH=/usr/bin:/bin"], Cmd: ["sh"] } : parent?.config;
    let key =
      node.base.kind === "image"
        ? baseCacheKey({ kind: "image", digest: sha(node.base.ref), platform })
        : node.base.kind === "scratch"
          ? baseCacheKey({ kind: "scratch", platform })
          : baseCacheKey({ kind: "stage", key: parent?.key ?? "" });
    const stage = planStage(plan, i, base);
    for (const s of stage.steps) {
      const st = s.step;
      const reads = (st.kind === "copy" || st.kind === "add") && st.sources.some((x) => x.kind === "path");
      const binds = st.kind === "run" ? st.mounts.filter((m) => m.type === "bind").map((m) => sha(JSON.stringify(m))) : [];
      key = stepCacheKey(key, s, { ...(reads ? { sources: sha(s.original) } : {}), ...(binds.length > 0 ? { bindMounts: binds } : {}) });
    }
    done.set(i, { config: stage.config, key, steps: stage.steps.length });
  }
  return done;
}

describe("planBuild", () => {
  it("plans and expands every corpus Dockerfile", () => {
    for (const name of readdirSync(dir).filter((f) => f.endsWith(".Dockerfile"))) {
      const dockerfile = parseDockerfile(readFileSync(join(dir, name), "utf8"), { file: name });
      const plan = planBuild({ dockerfile, buildArgs: new Map(), platforms });
      const built = run(plan);
      expect(built.get(plan.selection.target)?.key, name).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
  });

  it("go-multistage: cross-build stage on the build platform, final config, images to resolve", () => {
    const dockerfile = parseDockerfile(readFileSync(join(dir, "go-multistage.Dockerfile"), "utf8"));
    const plan = planBuild({ dockerfile, buildArgs: new Map([["GO_VERSION", "1.23"]]), platforms });
    expect(plan.images).toEqual([
      { ref: "golang:1.23-alpine", platform: { os: "linux", architecture: "amd64" }, line: 6, use: "base" },
      { ref: "alpine:3.19", platform: { os: "linux", architecture: "arm64" }, line: 20, use: "base" },
    ]);
    const build = planStage(plan, 0, { Env: ["PATH=/usr/local/go/bin:/usr/bin"] });
    const goBuild = build.steps.at(-1)?.step;
    expect(goBuild).toMatchObject({ kind: "run", env: expect.arrayContaining(["TARGETOS=linux", "TARGETARCH=arm64"]), workdir: "/src" });
    const final = run(plan).get(1)?.config;
    expect(final).toMatchObject({ User: "appuser", Entrypoint: ["/bin/server"], Cmd: null, ExposedPorts: { "8080/tcp": {} } });
  });

  it("warns about unused build args and keeps proxies apart", () => {
    const dockerfile = parseDockerfile("FROM a AS one\nARG USED\nFROM b\nARG OTHER\n");
    const plan = planBuild({
      dockerfile,
      target: "one",
      buildArgs: new Map([["USED", "1"], ["OTHER", "2"], ["HTTPS_PROXY", "http://p"]]),
      platforms,
    });
    expect(plan.warnings.map((w) => w.message)).toEqual(["build arg OTHER was not consumed: no ARG OTHER in the stages built"]);
    expect([...plan.proxyEnv]).toEqual([["HTTPS_PROXY", "http://p"]]);
  });

  it("skips an unrelated stage that would fail to expand", () => {
    const dockerfile = parseDockerfile("FROM a AS ok\nRUN true\nFROM b AS broken\nCOPY ${MISSING:?required} /x\n");
    const plan = planBuild({ dockerfile, target: "ok", buildArgs: new Map(), platforms });
    expect(plan.selection.order).toEqual([0]);
    expect(() => run(plan)).not.toThrow();
    const all = planBuild({ dockerfile, buildArgs: new Map(), platforms });
    expect(() => run(all)).toThrow("Dockerfile:4: MISSING: required");
  });
});
