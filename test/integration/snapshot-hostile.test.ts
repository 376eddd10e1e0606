// Hostile layers: each must be refused, naming the entry, and leave everything outside the
// target (and the target itself) exactly as it was.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyLayer } from "../../src/runtime/snapshot/index.ts";
import { childProcessRunner } from "../../src/common/spawn/child-process-runner.ts";
import { listTree, tempDir } from "../../src/runtime/snapshot/testing/fs-fixtures.ts";
import { buildTar, chunked, type TestEntry } from "../../src/common/tar/testing/tar-builder.ts";

interface Case {
  readonly title: string;
  readonly entries: (outside: string) => TestEntry[];
  readonly names: RegExp;
}

const runner = childProcessRunner();
const cases: Case[] = [
  { title: "a '..' name", entries: () => [{ name: "../evil", body: "x" }], names: /"\.\.\/evil"/ },
  { title: "'..' in the middle of a name", entries: () => [{ name: "a/b/../../../evil", body: "x" }], names: /\.\.\/evil/ },
  {
    title: "a symlink to an absolute outside dir, then a file below it",
    entries: (outside) => [{ name: "a", type: "symlink", linkname: outside }, { name: "a/x", body: "pwned" }],
    names: /"a\/x".*symlink/,
  },
  {
    title: "a symlink to '..', then a file below it",
    entries: () => [{ name: "a", type: "symlink", linkname: ".." }, { name: "a/x", body: "pwned" }],
    names: /"a\/x".*symlink/,
  },
  {
    title: "a chain of symlinks escaping, then a file below it",
    entries: (outside) => [
      { name: "c", type: "symlink", linkname: outside },
      { name: "b", type: "symlink", linkname: "c" },
      { name: "a", type: "symlink", linkname: "b" },
      { name: "a/x", body: "pwned" },
    ],
    names: /"a\/x".*symlink/,
  },
  {
    title: "a symlink deep in a path",
    entries: () => [{ name: "d/", type: "dir" }, { name: "d/up", type: "symlink", linkname: "../../.." }, { name: "d/up/tmp/x", body: "pwned" }],
    names: /"d\/up\/tmp\/x"/,
  },
  {
    title: "a hard link to ../../etc/passwd",
    entries: () => [{ name: "passwd", type: "hardlink", linkname: "../../etc/passwd" }],
    names: /"\.\.\/\.\.\/etc\/passwd"/,
  },
  {
    title: "a hard link to an absolute host path",
    entries: () => [{ name: "passwd", type: "hardlink", linkname: "/etc/passwd" }],
    names: /"passwd".*not an earlier entry/,
  },
  {
    title: "a hard link through a symlinked directory",
    entries: () => [{ name: "etc", type: "symlink", linkname: "/etc" }, { name: "passwd", type: "hardlink", linkname: "etc/passwd" }],
    names: /"passwd".*symlink/,
  },
  {
    title: "a PAX path override with '..'",
    entries: () => [{ name: "innocent", body: "x", pax: { path: "../../pax-evil" } }],
    names: /pax-evil/,
  },
  {
    title: "a GNU long name with '..'",
    entries: () => [{ name: `${"../".repeat(40)}gnu-evil`, body: "x", gnuLong: true }],
    names: /gnu-evil/,
  },
  {
    title: "a PAX linkpath override escaping a hard link",
    entries: () => [{ name: "f", body: "ok" }, { name: "l", type: "hardlink", linkname: "f", pax: { linkpath: "../outside/sentinel" } }],
    names: /outside\/sentinel/,
  },
  { title: "a whiteout outside the target", entries: () => [{ name: "../.wh.x" }], names: /\.wh\.x/ },
  { title: "a whiteout of '..'", entries: () => [{ name: "sub/.wh..." }], names: /\.wh\.\.\./ },
  {
    title: "a whiteout through a symlink",
    entries: (outside) => [{ name: "a", type: "symlink", linkname: outside }, { name: "a/.wh.sentinel" }],
    names: /symlink/,
  },
  {
    title: "an opaque marker through a symlink",
    entries: (outside) => [{ name: "a", type: "symlink", linkname: outside }, { name: "a/.wh..wh..opq" }],
    names: /symlink/,
  },
];

describe("applyLayer refuses hostile layers", () => {
  for (const c of cases) {
    it(`refuses ${c.title}`, async () => {
      await using tmp = await tempDir("snap-hostile");
      // target = <tmp>/layers/one/target, so "../" and "../../" land inside <tmp> where we can see them.
      const outside = join(tmp.path, "outside");
      await mkdir(outside);
      await writeFile(join(outside, "sentinel"), "untouched");
      await mkdir(join(tmp.path, "layers/one"), { recursive: true });
      const before = await listTree(tmp.path);
      const target = join(tmp.path, "layers/one/target");
      const tar = buildTar([{ name: "ok/", type: "dir" }, { name: "ok/file", body: "fine" }, ...c.entries(outside)]);

      const failure = applyLayer({ runner, source: chunked(tar, 700), target });
      await expect(failure).rejects.toMatchObject({ kind: "InvalidArgument" });
      await expect(failure).rejects.toThrow(c.names);

      expect(await listTree(tmp.path)).toEqual(before);
      expect(await readFile(join(outside, "sentinel"), "utf8")).toBe("untouched");
    });
  }

  it("accepts an absolute name by rooting it in the layer (as Docker does)", async () => {
    await using tmp = await tempDir("snap-abs");
    const target = join(tmp.path, "target");
    await applyLayer({ runner, source: chunked(buildTar([{ name: "/abs/evil", body: "inside" }]), 512), target });
    expect(await readFile(join(target, "abs/evil"), "utf8")).toBe("inside");
  });

  it("never follows a symlink's target text when creating the symlink itself", async () => {
    await using tmp = await tempDir("snap-symlink-text");
    const outside = join(tmp.path, "outside");
    await mkdir(outside);
    const before = await listTree(outside);
    const target = join(tmp.path, "target");
    const tar = buildTar([
      { name: "a", type: "symlink", linkname: outside },
      { name: "b", type: "symlink", linkname: "../../../../etc/passwd" },
      // Replacing the symlink with a file must replace the link, not write through it.
      { name: "a", body: "replaced" },
    ]);
    await applyLayer({ runner, source: chunked(tar, 512), target });
    expect(await readFile(join(target, "a"), "utf8")).toBe("replaced");
    expect(await listTree(outside)).toEqual(before);
  });
});
