import { describe, expect, it } from "vitest";
import type { SourceEntry } from "./ports.ts";
import { hasWildcards, literalPrefix, selectRoots, sourcePattern } from "./source-select.ts";

const D = `sha256:${"d".repeat(64)}`;
const f = (path: string): SourceEntry => ({ path, type: "file", mode: 0o644, uid: 0, gid: 0, size: 0, contentDigest: D });
const d = (path: string): SourceEntry => ({ path, type: "dir", mode: 0o755, uid: 0, gid: 0 });
const TREE = [d("."), d("pkg"), d("pkg/a"), f("pkg/a/x.go"), d("pkg/b"), f("pkg/b/y.go"), f("go.mod"), f("go.sum"), f("*star")];
const roots = (pattern: string) => selectRoots(pattern, TREE).map((r) => [r.path, r.entries.length]);

describe("source selection", () => {
  it("cleans source paths into the tree", () => {
    expect(["./app/", "/app", "app/../app", "../../app", ".", "/", ""].map(sourcePattern)).toEqual(["app", "app", "app", "app", ".", ".", "."]);
  });
  it("walks only a pattern's literal leading directories", () => {
    expect(literalPrefix("pkg/*/x.go")).toBe("pkg");
    expect(literalPrefix("*.go")).toBe(".");
    expect(literalPrefix("go.mod")).toBe("go.mod");
    expect(hasWildcards("\\*star")).toBe(false);
  });
  it("selects a plain path with what is below it, and wildcard matches segment by segment", () => {
    expect(roots("pkg")).toEqual([["pkg", 5]]);
    expect(roots(".")).toEqual([[".", TREE.length]]);
    expect(roots("go.*")).toEqual([["go.mod", 1], ["go.sum", 1]]);
    expect(roots("pkg/*")).toEqual([["pkg/a", 2], ["pkg/b", 2]]);
    expect(roots("*/*/?.go")).toEqual([["pkg/a/x.go", 1], ["pkg/b/y.go", 1]]);
    expect(roots("[gp]*")).toEqual([["go.mod", 1], ["go.sum", 1], ["pkg", 5]]);
    expect(roots("\\**")).toEqual([["*star", 1]]);
    expect(roots("nothing*")).toEqual([]);
    expect(roots("missing")).toEqual([]);
  });
});
