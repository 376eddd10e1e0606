import { describe, expect, it } from "vitest";
import type { LowerView } from "./lower-view.ts";
import { comparePaths, upperChanges, type FsChange } from "./upper-changes.ts";
import type { UpperEntry } from "./upper-dir.ts";

// The image as a flat set of paths (directories are the paths with something below them).
function fakeLower(paths: readonly string[]) {
  const all = new Set(paths);
  const asked: string[][] = [];
  const view: LowerView = {
    async existing(ps) {
      asked.push([...ps]);
      return new Set(ps.filter((p) => all.has(p)));
    },
    async list(dir) {
      const prefix = dir === "/" ? "/" : `${dir}/`;
      return [...all].filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes("/")).map((p) => p.slice(prefix.length)).sort();
    },
  };
  return { view, asked };
}

const image = ["/bin", "/bin/sh", "/bin/vi", "/etc", "/etc/passwd", "/etc/group", "/usr", "/usr/share", "/usr/share/doc", "/usr/share/doc/a", "/usr/share/doc/b", "/var", "/var/log"];

const lines = (changes: readonly FsChange[]) => changes.map((c) => `${c.kind[0]!.toUpperCase()} ${c.path}`);

describe("upperChanges", () => {
  it("reports added, modified and deleted entries with their directories, sorted like a tree walk", async () => {
    const { view } = fakeLower(image);
    const entries: UpperEntry[] = [
      { kind: "dir", path: "/bin" },
      { kind: "whiteout", path: "/bin/vi" },
      { kind: "dir", path: "/etc" },
      { kind: "file", path: "/etc/passwd" },
      { kind: "dir", path: "/root" },
      { kind: "file", path: "/root/.ash_history" },
      { kind: "file", path: "/hello.txt" },
    ];
    expect(lines(await upperChanges(entries, { lower: view }))).toEqual([
      "M /bin",
      "D /bin/vi",
      "M /etc",
      "M /etc/passwd",
      "A /hello.txt",
      "A /root",
      "A /root/.ash_history",
    ]);
  });

  it("answers an empty list for an empty upper dir", async () => {
    expect(await upperChanges([], { lower: fakeLower(image).view })).toEqual([]);
  });

  it("reports an opaque directory as changed, the image's children it hides as deleted, and its new content", async () => {
    const { view } = fakeLower(image);
    const entries: UpperEntry[] = [
      { kind: "dir", path: "/usr" },
      { kind: "dir", path: "/usr/share" },
      { kind: "opaque-dir", path: "/usr/share/doc" },
      { kind: "file", path: "/usr/share/doc/b" },
      { kind: "file", path: "/usr/share/doc/c" },
    ];
    expect(lines(await upperChanges(entries, { lower: view }))).toEqual([
      "M /usr",
      "M /usr/share",
      "M /usr/share/doc",
      "D /usr/share/doc/a",
      "M /usr/share/doc/b",
      "A /usr/share/doc/c",
    ]);
  });

  it("reports a new opaque directory as added, with nothing deleted", async () => {
    const { view } = fakeLower(image);
    const entries: UpperEntry[] = [{ kind: "opaque-dir", path: "/new" }, { kind: "file", path: "/new/x" }];
    expect(lines(await upperChanges(entries, { lower: view }))).toEqual(["A /new", "A /new/x"]);
  });

  it("hides the engine's paths, and directories copied up only to hold them", async () => {
    const { view } = fakeLower(image);
    const entries: UpperEntry[] = [
      { kind: "dir", path: "/data" },
      { kind: "dir", path: "/data/vol" },
      { kind: "file", path: "/data/vol/inside" },
      { kind: "dir", path: "/etc" },
      { kind: "file", path: "/etc/hosts" },
      { kind: "file", path: "/etc/resolv.conf" },
      { kind: "dir", path: "/var" },
      { kind: "file", path: "/var/hostname" },
    ];
    const changes = await upperChanges(entries, { lower: view, ignore: ["/data/vol/", "/etc/hosts", "/etc/resolv.conf", "/var/hostname"] });
    expect(changes).toEqual([]);
  });

  it("still reports a directory holding the engine's paths when the container changed something else in it", async () => {
    const { view } = fakeLower(image);
    const entries: UpperEntry[] = [
      { kind: "dir", path: "/etc" },
      { kind: "file", path: "/etc/hosts" },
      { kind: "whiteout", path: "/etc/group" },
      { kind: "dir", path: "/data" },
      { kind: "dir", path: "/data/vol" },
      { kind: "file", path: "/data/own" },
    ];
    expect(lines(await upperChanges(entries, { lower: view, ignore: ["/etc/hosts", "/data/vol"] }))).toEqual([
      "A /data",
      "A /data/own",
      "M /etc",
      "D /etc/group",
    ]);
  });

  it("does not hide a directory the engine's paths are not in", async () => {
    const { view } = fakeLower(image);
    const entries: UpperEntry[] = [{ kind: "dir", path: "/etc" }, { kind: "dir", path: "/etcetera" }];
    expect(lines(await upperChanges(entries, { lower: view, ignore: ["/etc/hosts", "/etcetera/x"] }))).toEqual([]);
    expect(lines(await upperChanges([{ kind: "dir", path: "/etc" }], { lower: view, ignore: ["/etcx/hosts"] }))).toEqual(["M /etc"]);
  });

  it("reports a changed image directory on its own (chmod, touch)", async () => {
    const { view } = fakeLower(image);
    expect(lines(await upperChanges([{ kind: "dir", path: "/var" }], { lower: view }))).toEqual(["M /var"]);
  });

  it("adds missing ancestors of a change as modified", async () => {
    const { view } = fakeLower(image);
    expect(lines(await upperChanges([{ kind: "whiteout", path: "/usr/share/doc/a" }], { lower: view }))).toEqual([
      "M /usr",
      "M /usr/share",
      "M /usr/share/doc",
      "D /usr/share/doc/a",
    ]);
  });

  it("asks the image once per depth and never about what is below a new directory", async () => {
    const { view, asked } = fakeLower(image);
    const entries: UpperEntry[] = [
      { kind: "dir", path: "/app" },
      { kind: "dir", path: "/app/node_modules" },
      { kind: "file", path: "/app/node_modules/x.js" },
      { kind: "dir", path: "/etc" },
      { kind: "file", path: "/etc/passwd" },
    ];
    await upperChanges(entries, { lower: view });
    expect(asked).toEqual([["/app", "/etc"], ["/etc/passwd"]]);
  });
});

describe("comparePaths", () => {
  it("puts a directory's contents right after it", () => {
    expect(["/a-b", "/a/b", "/a", "/a.b", "/B"].sort(comparePaths)).toEqual(["/B", "/a", "/a/b", "/a-b", "/a.b"]);
  });
});
