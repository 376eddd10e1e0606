import { describe, expect, it } from "vitest";
import { normalize } from "../model/index.ts";
import { treeFromYaml } from "../validate/test-tree.ts";
import { outermost, planWatch } from "./watch-plan.ts";

const project = (yaml: string) => normalize(treeFromYaml(yaml, { file: "/p/compose.yaml", projectName: "demo" }));
const P = project(`
services:
  web:
    build: .
    develop:
      watch:
        - {path: ./web, action: sync, target: /app, ignore: [node_modules/]}
        - {path: ./package.json, action: rebuild}
  api:
    image: api
    develop:
      watch:
        - {path: ./api, action: sync+exec, target: /srv, initial_sync: true, exec: {command: kill -HUP 1}}
  db:
    image: postgres
`);

describe("planWatch", () => {
  it("plans every service with rules, in project order, with their roots", () => {
    const plan = planWatch(P, [], new Map());
    expect(plan.services).toEqual(["web", "api"]);
    expect(plan.skipped).toEqual(["db"]);
    expect(plan.roots).toEqual(["/p/api", "/p/package.json", "/p/web"]);
    expect(plan.rules.map((r) => [r.service, r.index, r.action, r.path, r.target ?? null, r.initialSync])).toEqual([
      ["web", 0, "sync", "/p/web", "/app", false],
      ["web", 1, "rebuild", "/p/package.json", null, false],
      ["api", 0, "sync+exec", "/p/api", "/srv", true],
    ]);
    expect(plan.rules[2]?.exec?.command).toEqual(["kill", "-HUP", "1"]);
  });

  it("filters each rule by its ignore, the build context's ignore file (when inside it), and editor files", () => {
    const plan = planWatch(P, [], new Map([["web", { path: "/p/.dockerignore", context: "/p", text: "**/*.md\n" }]]));
    const web = plan.rules[0]!.filter;
    expect(web.accepts("/p/web/index.js", false)).toBe(true);
    expect(web.accepts("/p/web/node_modules/a.js", false)).toBe(false);
    expect(web.accepts("/p/web/README.md", false)).toBe(false);
    expect(web.accepts("/p/web/.index.js.swp", false)).toBe(false);
    expect(web.layers.map((l) => l.source)).toEqual(["editor and VCS files", "services.web.develop.watch[0].ignore", "/p/.dockerignore"]);
    // api has no build: no ignore file applies
    expect(plan.rules[2]!.filter.accepts("/p/api/README.md", false)).toBe(true);
  });

  it("watches only the named services; one without rules cannot be watched alone", () => {
    expect(planWatch(P, ["api"], new Map()).services).toEqual(["api"]);
    expect(() => planWatch(P, ["db"], new Map())).toThrow(/none of the selected services is configured for watch/);
    expect(() => planWatch(P, ["nope"], new Map())).toThrow(/no such service: nope/);
  });
});

describe("outermost", () => {
  it("keeps the paths no other contains", () => {
    expect(outermost(["/p/a/b", "/p/a", "/p/ab", "/p/a", "/q"])).toEqual(["/p/a", "/p/ab", "/q"]);
  });
});
