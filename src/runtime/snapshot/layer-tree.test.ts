import { describe, expect, it } from "vitest";
import { isKind } from "../../common/errors.ts";
import { LayerTree, type Action } from "./layer-tree.ts";
import type { TarEntryType, TarHeader } from "../../common/tar/index.ts";

function h(name: string, type: TarEntryType = "file", extra: Partial<TarHeader> = {}): TarHeader {
  return {
    name, type, size: 0, mode: 0o644, uid: 0, gid: 0, uname: "", gname: "", mtime: 100,
    linkname: "", devmajor: 0, devminor: 0, xattrs: new Map(), ...extra,
  };
}
const ops = (actions: Action[]) => actions.map((a) => `${a.op} ${a.path}`);
function planAll(tree: LayerTree, headers: TarHeader[]): string[] {
  return headers.flatMap((x) => ops(tree.plan(x)));
}
function rejects(tree: LayerTree, header: TarHeader, pattern: RegExp): void {
  let err: unknown;
  try {
    tree.plan(header);
  } catch (e) {
    err = e;
  }
  expect(isKind(err, "InvalidArgument"), `${header.name} should be rejected`).toBe(true);
  expect(String(err)).toMatch(pattern);
}

describe("LayerTree.plan", () => {
  it("creates missing parents like mkdir -p and strips ./ and leading /", () => {
    const t = new LayerTree();
    expect(planAll(t, [h("./a/b/c"), h("/a/d", "dir"), h("a/d/", "dir")])).toEqual([
      "mkdir-implicit a", "mkdir-implicit a/b", "file a/b/c", "dir a/d", "dir a/d",
    ]);
  });

  it("applies a root entry to the layer root and refuses a non-dir root", () => {
    const t = new LayerTree();
    expect(ops(t.plan(h("./", "dir")))).toEqual(["dir "]);
    rejects(t, h("/", "file"), /root/);
  });

  it("replaces a file by a dir and a dir by a file; merges dir over dir", () => {
    const t = new LayerTree();
    expect(planAll(t, [h("x"), h("x", "dir"), h("x/y"), h("x", "dir"), h("x")])).toEqual([
      "file x", "remove x", "dir x", "file x/y", "dir x", "remove x", "file x",
    ]);
    // x/y went with the directory: linking to it now fails.
    rejects(t, h("l", "hardlink", { linkname: "x/y" }), /non-directory/);
  });

  it("refuses '..' anywhere, in names and hard link targets", () => {
    const t = new LayerTree();
    rejects(t, h("../evil"), /"\.\."/);
    rejects(t, h("a/../../evil"), /"\.\."/);
    rejects(t, h("ok", "hardlink", { linkname: "../../etc/passwd" }), /"\.\."/);
  });

  it("refuses to write through a symlink planted earlier, whatever it points to", () => {
    for (const target of ["/etc", "..", ".", "sub", "../../tmp"]) {
      const t = new LayerTree();
      t.plan(h("sub", "dir"));
      t.plan(h("a", "symlink", { linkname: target }));
      rejects(t, h("a/passwd"), /symlink/);
      rejects(t, h("a/.wh.x"), /symlink/);
      rejects(t, h("a/.wh..wh..opq"), /symlink/);
    }
  });

  it("refuses symlinks deeper in the path and writing under a file", () => {
    const t = new LayerTree();
    t.plan(h("d/e", "symlink", { linkname: "/" }));
    rejects(t, h("d/e/f/g"), /parent "d\/e" is a symlink/);
    t.plan(h("file"));
    rejects(t, h("file/child"), /not a directory/);
  });

  it("hard links: only to earlier non-directories, never via symlinked dirs", () => {
    const t = new LayerTree();
    planAll(t, [h("bin/sh"), h("etc", "dir"), h("lnk", "symlink", { linkname: "bin" })]);
    expect(ops(t.plan(h("usr/bin/sh", "hardlink", { linkname: "bin/sh" })))).toEqual([
      "mkdir-implicit usr", "mkdir-implicit usr/bin", "hardlink usr/bin/sh",
    ]);
    rejects(t, h("x", "hardlink", { linkname: "lnk/sh" }), /through a symlink/);
    rejects(t, h("x", "hardlink", { linkname: "etc" }), /directory/);
    rejects(t, h("x", "hardlink", { linkname: "later" }), /not an earlier entry/);
    // A link to itself is a no-op rather than deleting the file.
    expect(ops(t.plan(h("bin/sh", "hardlink", { linkname: "./bin/sh" })))).toEqual([]);
    // Replacing the link target's directory by a symlink cuts the link off.
    planAll(t, [h("bin", "symlink", { linkname: "/usr/bin" })]);
    rejects(t, h("y", "hardlink", { linkname: "bin/sh" }), /symlink/);
  });

  it("translates whiteouts and opaque markers, keeping entries of the same layer", () => {
    const t = new LayerTree();
    expect(planAll(t, [
      h("etc/.wh.passwd"),
      h("var/cache/keep"),
      h("var/cache/.wh..wh..opq"),
      h("var/.wh..wh.plnk"),
    ])).toEqual(["mkdir-implicit etc", "whiteout etc/passwd", "mkdir-implicit var", "mkdir-implicit var/cache", "file var/cache/keep"]);
    expect(t.xattrs().map((x) => [x.path, x.xattrs.get("trusted.overlay.opaque")?.toString()])).toEqual([["var/cache", "y"]]);
  });

  it("opaque marker before its directory entry keeps the directory opaque", () => {
    const t = new LayerTree();
    planAll(t, [h("d/.wh..wh..opq"), h("d", "dir", { mode: 0o700 }), h("d/f")]);
    expect(t.xattrs().map((x) => x.path)).toEqual(["d"]);
  });

  it("a whiteout next to the same name from this layer: the entry stays and a dir becomes opaque", () => {
    const t = new LayerTree();
    expect(planAll(t, [h("f"), h(".wh.f"), h("d", "dir"), h(".wh.d")])).toEqual(["file f", "dir d"]);
    expect(t.xattrs().map((x) => x.path)).toEqual(["d"]);
    // An entry after its whiteout replaces the device; a dir there hides the lower dir.
    const u = new LayerTree();
    expect(planAll(u, [h(".wh.g"), h("g", "dir"), h(".wh.k"), h("k/x")])).toEqual([
      "whiteout g", "remove g", "dir g", "whiteout k", "remove k", "mkdir-implicit k", "file k/x",
    ]);
    expect(u.xattrs().map((x) => x.path).sort()).toEqual(["g", "k"]);
  });

  it("refuses whiteouts that name '..', '.' or nothing, or sit outside", () => {
    const t = new LayerTree();
    rejects(t, h("a/.wh..."), /whiteout/);
    rejects(t, h(".wh.."), /whiteout/);
    rejects(t, h(".wh."), /whiteout/);
    rejects(t, h("../.wh.x"), /"\.\."/);
  });

  it("drops trusted.overlay.* xattrs from the archive and keeps others", () => {
    const t = new LayerTree();
    const xattrs = new Map([
      ["trusted.overlay.redirect", Buffer.from("/etc")],
      ["security.capability", Buffer.from([1, 2])],
    ]);
    t.plan(h("bin/ping", "file", { xattrs }));
    t.plan(h("bin/x", "file", { xattrs: new Map([["trusted.overlay.opaque", Buffer.from("y")]]) }));
    const sets = t.xattrs();
    expect(sets.map((s) => [s.path, [...s.xattrs.keys()]])).toEqual([["bin/ping", ["security.capability"]]]);
  });

  it("lists directory times from the archive, not implicit ones", () => {
    const t = new LayerTree();
    planAll(t, [h("./", "dir", { mtime: 5 }), h("a/b/c", "dir", { mtime: 7, atime: 6 }), h("a/b/c/f")]);
    expect(t.dirTimes()).toEqual([{ path: "", atime: 5, mtime: 5 }, { path: "a/b/c", atime: 6, mtime: 7 }]);
  });
});
