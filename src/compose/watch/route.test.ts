import { describe, expect, it } from "vitest";
import { normalize } from "../model/index.ts";
import { treeFromYaml } from "../validate/test-tree.ts";
import type { FileChange } from "./batcher.ts";
import { containerPathOf, isEmptyWork, routeBatch } from "./route.ts";
import { planWatch } from "./watch-plan.ts";

const plan = planWatch(
  normalize(
    treeFromYaml(
      `
services:
  web:
    build: .
    develop:
      watch:
        - {path: ./web, action: sync+restart, target: /app, ignore: [node_modules/]}
        - {path: ./web/config, action: sync+exec, target: /etc/web/, exec: {command: web reload}}
        - {path: ./package.json, action: rebuild}
  api:
    image: api
    develop:
      watch:
        - {path: ./api, action: sync, target: /srv, include: ["*.py"]}
        - {path: ./api/requirements.txt, action: restart}
`,
      { file: "/p/compose.yaml", projectName: "demo" },
    ),
  ),
  [],
  new Map(),
);
const w = (path: string, isDir = false): FileChange => ({ path, kind: "write", isDir });
const r = (path: string, isDir = false): FileChange => ({ path, kind: "remove", isDir });
const summary = (batch: readonly FileChange[]) =>
  routeBatch(plan, batch).map((x) => ({
    service: x.service,
    rebuild: x.rebuild,
    copies: x.copies.map((c) => `${c.hostPath} -> ${c.containerPath}`),
    removes: x.removes.map((c) => c.containerPath),
    restart: x.restart,
    execs: x.execs.map((e) => e.exec?.command.join(" ")),
  }));

describe("routeBatch", () => {
  it("maps host paths to container paths under each sync rule's target", () => {
    expect(containerPathOf(plan.rules[0]!, "/p/web/src/a.js")).toBe("/app/src/a.js");
    expect(containerPathOf(plan.rules[0]!, "/p/web")).toBe("/app");
    expect(containerPathOf(plan.rules[1]!, "/p/web/config/x.ini")).toBe("/etc/web/x.ini");
  });

  it("splits a batch by service; ignored paths concern nobody", () => {
    expect(summary([w("/p/web/index.js"), r("/p/web/old.js"), w("/p/web/node_modules/x.js"), w("/p/api/app.py"), w("/p/api/notes.txt")])).toEqual([
      { service: "web", rebuild: false, copies: ["/p/web/index.js -> /app/index.js"], removes: ["/app/old.js"], restart: true, execs: [] },
      { service: "api", rebuild: false, copies: ["/p/api/app.py -> /srv/app.py"], removes: [], restart: false, execs: [] },
    ]);
    expect(summary([w("/p/web/node_modules/x.js"), w("/p/elsewhere")])).toEqual([]);
  });

  it("syncs a path under two rules to both targets, restarts once and runs the exec once", () => {
    expect(summary([w("/p/web/config/a.ini"), w("/p/web/config/b.ini")])).toEqual([
      {
        service: "web",
        rebuild: false,
        copies: ["/p/web/config/a.ini -> /app/config/a.ini", "/p/web/config/b.ini -> /app/config/b.ini", "/p/web/config/a.ini -> /etc/web/a.ini", "/p/web/config/b.ini -> /etc/web/b.ini"],
        removes: [],
        restart: true,
        execs: ["web reload"],
      },
    ]);
  });

  it("never removes a rule's target when the rule's own path goes", () => {
    expect(summary([r("/p/web", true), r("/p/web/gone.js")])[0]).toMatchObject({ removes: ["/app/gone.js"] });
    expect(summary([r("/p/api", true)])).toEqual([{ service: "api", rebuild: false, copies: [], removes: [], restart: false, execs: [] }]);
  });

  it("a rebuild rule wins over everything else of its service", () => {
    expect(summary([w("/p/package.json"), w("/p/web/index.js")])).toEqual([{ service: "web", rebuild: true, copies: [], removes: [], restart: false, execs: [] }]);
  });

  it("a restart rule restarts without syncing", () => {
    const [work] = routeBatch(plan, [w("/p/api/requirements.txt")]);
    expect(work).toMatchObject({ service: "api", restart: true, copies: [] });
    expect(isEmptyWork(work!)).toBe(false);
  });

  it("holds files to include but lets directories through", () => {
    expect(summary([w("/p/api/pkg", true), r("/p/api/gone", true), w("/p/api/README.md")])[0]).toMatchObject({ copies: ["/p/api/pkg -> /srv/pkg"], removes: ["/srv/gone"] });
  });
});
