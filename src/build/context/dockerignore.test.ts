import balenaModule from "@balena/dockerignore";
import { describe, expect, it } from "vitest";
import { goClean, parseDockerignore } from "./dockerignore.ts";

const ig = (text: string) => parseDockerignore(text);
// A CommonJS module whose module.exports is the factory, typed as `export default`.
const balena = balenaModule as unknown as typeof balenaModule.default;

describe("parseDockerignore: reading", () => {
  it("skips comments and blanks, trims, cleans, strips a leading / or ./", () => {
    expect(ig("# c\n\n  node_modules  \n/build/\n./dist\n!/keep/./me\n #x\n").rules).toEqual([
      { pattern: "node_modules", exception: false, line: 3 },
      { pattern: "build", exception: false, line: 4 },
      { pattern: "dist", exception: false, line: 5 },
      { pattern: "keep/me", exception: true, line: 6 },
      { pattern: "#x", exception: false, line: 7 },
    ]);
  });
  it("names the file and line of a bad pattern", () => {
    expect(() => parseDockerignore("a\n!\n", "app.Dockerfile.dockerignore")).toThrow('app.Dockerfile.dockerignore:2: illegal exclusion pattern: "!"');
    expect(() => ig("ok\n[a-\n")).toThrow(".dockerignore:2: bad pattern");
  });
  it("cleans like Go's path.Clean", () => {
    expect(["", ".", "./a/", "a//b", "a/../b", "../a", "/../a", "/"].map(goClean)).toEqual([".", ".", "a", "a/b", "b", "../a", "/a", "/"]);
  });
});

describe("excludes", () => {
  it("matches relative to the root, by segment, and everything under a matched directory", () => {
    const m = ig("*.md\nbuild\ndocs/*.txt");
    expect(["README.md", "a/README.md", "build", "build/x/y", "src/build", "docs/a.txt", "docs/sub/a.txt", "x.mdx"].map(m.excludes)).toEqual([
      true,
      false,
      true,
      true,
      false,
      true,
      false,
      false,
    ]);
  });
  it("handles ** at the start, middle and end", () => {
    const m = ig("**/*.log\na/**/z\nout/**");
    expect(["x.log", "d/e/x.log", "a/z", "a/b/c/z", "ab/z", "out", "out/a/b"].map(m.excludes)).toEqual([true, true, true, true, false, false, true]);
    expect(ig("**").excludes("any/thing")).toBe(true);
  });
  it("lets later rules win and ! make exceptions", () => {
    const m = ig("*.md\n!README.md\nREADME*.md");
    expect(["a.md", "README.md", "README-x.md"].map(m.excludes)).toEqual([true, true, true]);
    const n = ig("*\n!src\nsrc/*.tmp");
    expect(["a", "src", "src/main.ts", "src/x.tmp", "src/deep/x.tmp"].map(n.excludes)).toEqual([true, false, false, true, false]);
  });
  it("treats ? and [] and \\ like Docker", () => {
    const m = ig("file?.txt\n[ab].c\n\\*.x");
    expect(["file1.txt", "file12.txt", "a.c", "c.c", "*.x", "y.x"].map(m.excludes)).toEqual([true, false, true, false, true, false]);
  });
  it("can exclude Dockerfile and .dockerignore (the build still reads them by path)", () => {
    const m = ig("Dockerfile\n.dockerignore");
    expect([m.excludes("Dockerfile"), m.excludes(".dockerignore")]).toEqual([true, true]);
  });
});

describe("mayIncludeUnder", () => {
  it("descends into a directory an exception re-includes", () => {
    const m = ig("*\n!src");
    expect(m.mayIncludeUnder("src")).toBe(true);
    expect(m.mayIncludeUnder("docs")).toBe(false);
    expect(m.mayIncludeUnder("node_modules")).toBe(false);
  });
  it("descends when an exception names something deeper", () => {
    const m = ig("node_modules\n!node_modules/keep/**\nvendor");
    expect(m.mayIncludeUnder("node_modules")).toBe(true);
    expect(m.mayIncludeUnder("node_modules/keep")).toBe(true);
    expect(m.mayIncludeUnder("node_modules/drop")).toBe(false);
    expect(m.mayIncludeUnder("vendor")).toBe(false);
    const licences = ig("node_modules\nvendor\n!**/LICENSE");
    expect(licences.mayIncludeUnder("node_modules/drop")).toBe(true);
    expect(licences.excludes("node_modules/drop/LICENSE")).toBe(false);
  });
  it("skips when the only exceptions come before the excluding rule", () => {
    const m = ig("!build/keep\nbuild");
    expect(m.mayIncludeUnder("build")).toBe(false);
    expect(m.excludes("build/keep")).toBe(true);
  });
  it("is true for directories that are not excluded", () => {
    expect(ig("*.md").mayIncludeUnder("src")).toBe(true);
  });
  it("agrees with excludes on a tree: nothing under a skipped directory is included", () => {
    const m = ig("*\n!src/**/*.ts\nsrc/gen\n!src/gen/keep.ts\ndocs/**\n!docs/api/*.md");
    const files = ["src/a.ts", "src/x/b.ts", "src/gen/c.ts", "src/gen/keep.ts", "docs/api/x.md", "docs/guide/y.md", "lib/z.ts", "src/a.js"];
    for (const f of files) {
      const parts = f.split("/");
      for (let i = 1; i < parts.length; i++) {
        const dir = parts.slice(0, i).join("/");
        if (!m.mayIncludeUnder(dir)) expect(m.excludes(f), `${f} under skipped ${dir}`).toBe(true);
      }
    }
    expect(files.filter((f) => !m.excludes(f))).toEqual(["src/a.ts", "src/x/b.ts", "src/gen/keep.ts", "docs/api/x.md"]);
  });
});

// @balena/dockerignore is a port of Docker's matcher; both must decide alike on common patterns.
describe("agrees with @balena/dockerignore", () => {
  const patterns = [
    "*.md",
    "!README.md",
    "node_modules",
    "**/*.log",
    "build/",
    "/dist",
    "./tmp",
    "docs/**",
    "!docs/api",
    "a/**/z",
    "**/.git",
    "src/*.tmp",
    "file?.txt",
    "[ab].c",
    "Dockerfile*",
    ".dockerignore",
  ];
  const paths = [
    "README.md",
    "CHANGES.md",
    "sub/README.md",
    "node_modules/x/index.js",
    "app/node_modules",
    "x.log",
    "deep/er/x.log",
    "build/out.o",
    "dist/a",
    "src/dist",
    "tmp/a",
    "docs/index.md",
    "docs/api/x",
    "a/z",
    "a/b/c/z",
    "pkg/.git/config",
    "src/x.tmp",
    "src/y/x.tmp",
    "file1.txt",
    "a.c",
    "b.c",
    "Dockerfile",
    "Dockerfile.dev",
    ".dockerignore",
    "src/main.ts",
  ];
  it.each([
    ["all", patterns],
    ["exclude all, re-include", ["*", "!src", "!docs/api/**"]],
    ["exceptions first", ["!README.md", "*.md"]],
  ])("%s", (_name, set) => {
    const ours = parseDockerignore(set.join("\n"));
    const theirs = balena({ ignorecase: false }).add(set);
    for (const p of paths) expect(ours.excludes(p), p).toBe(theirs.ignores(p));
  });
});
