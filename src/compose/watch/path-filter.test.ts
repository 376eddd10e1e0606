import { describe, expect, it } from "vitest";
import { ALWAYS_IGNORED, pathFilter, patternLayer, relativeInside } from "./path-filter.ts";

const root = "/p/web";
const filter = (ignore: readonly string[] = [], include: readonly string[] = [], context?: { base: string; text: string }) =>
  pathFilter(root, [patternLayer(root, ALWAYS_IGNORED, "always"), patternLayer(root, ignore, "ignore"), ...(context ? [patternLayer(context.base, [context.text], "/p/.dockerignore")] : [])], include);

describe("relativeInside", () => {
  it("is the path below the base, '.' for the base, undefined outside", () => {
    expect(relativeInside("/p/web", "/p/web/src/a.js")).toBe("src/a.js");
    expect(relativeInside("/p/web", "/p/web")).toBe(".");
    expect(relativeInside("/p/web", "/p/webapp/x")).toBeUndefined();
    expect(relativeInside("/", "/etc")).toBe("etc");
  });
});

describe("pathFilter", () => {
  it("accepts paths at or under its root only", () => {
    const f = filter();
    expect(f.accepts("/p/web/src/a.js", false)).toBe(true);
    expect(f.accepts("/p/web", true)).toBe(true);
    expect(f.accepts("/p/other/a.js", false)).toBe(false);
  });

  it("always ignores editor temp files and .git, at any depth", () => {
    const f = filter();
    for (const p of ["src/a.js~", "src/.a.js.swp", "src/.#a.js", "src/#a.js#", "src/4913", "src/a.js.tmp", "a.js___jb_tmp___", ".git/HEAD", "sub/.git/index"]) {
      expect(f.accepts(`/p/web/${p}`, false), p).toBe(false);
    }
    expect(f.mayAcceptUnder("/p/web/.git")).toBe(false);
    expect(f.accepts("/p/web/src/swap.js", false)).toBe(true);
  });

  it("reads the rule's ignore patterns relative to its path, skipping ignored trees", () => {
    const f = filter(["node_modules/", "*.log", "!keep.log"]);
    expect(f.accepts("/p/web/node_modules/x/index.js", false)).toBe(false);
    expect(f.mayAcceptUnder("/p/web/node_modules")).toBe(false);
    expect(f.mayAcceptUnder("/p/web/src")).toBe(true);
    expect(f.accepts("/p/web/debug.log", false)).toBe(false);
    expect(f.accepts("/p/web/keep.log", false)).toBe(true);
  });

  it("applies a build context's .dockerignore relative to the context, never to the context itself", () => {
    const f = filter([], [], { base: "/p", text: "*\n!web/src\n" });
    expect(f.accepts("/p/web/src/a.js", false)).toBe(true);
    expect(f.accepts("/p/web/README.md", false)).toBe(false);
    expect(f.mayAcceptUnder("/p/web")).toBe(true);
    const all = pathFilter("/p", [patternLayer("/p", ["*", "!src"], ".dockerignore")]);
    expect(all.accepts("/p", true)).toBe(true);
    expect(all.mayAcceptUnder("/p")).toBe(true);
    expect(all.mayAcceptUnder("/p/dist")).toBe(false);
  });

  it("holds files, not directories, to include", () => {
    const f = filter([], ["*.go", "cmd/**/*.go"]);
    expect(f.accepts("/p/web/main.go", false)).toBe(true);
    expect(f.accepts("/p/web/README.md", false)).toBe(false);
    expect(f.accepts("/p/web/cmd/tool/x.go", false)).toBe(true);
    expect(f.accepts("/p/web/cmd", true)).toBe(true);
  });

  it("lets a watcher watch the way down to its root", () => {
    expect(filter().mayAcceptUnder("/p")).toBe(true);
    expect(filter().mayAcceptUnder("/q")).toBe(false);
  });
});
