import { execFileSync } from "node:child_process";
import { link, mkdir, symlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTar } from "../../common/tar/index.ts";
import { chunked } from "../../common/tar/testing/tar-builder.ts";
import { collect, errorOf } from "./testing/async.ts";
import { tempDir } from "./testing/fs-fixtures.ts";
import { diffUpperDir } from "./upper-diff.ts";
import type { XattrReader } from "./xattr-read.ts";

// Whiteouts (0/0 devices) and trusted.* xattrs need root: the kernel's own forms are covered by
// test/integration/snapshot-active.test.ts; here xattrs come from a fake reader.
function fakeXattrs(byRelative: Record<string, Record<string, string>>, asked: string[][] = []): (root: string) => XattrReader {
  return (root) => async (paths, pattern) => {
    asked.push([pattern, ...paths]);
    return new Map(
      Object.entries(byRelative).map(([rel, attrs]) => [join(root, rel), new Map(Object.entries(attrs).map(([k, v]) => [k, Buffer.from(v)]))]),
    );
  };
}

async function tree(root: string): Promise<void> {
  await mkdir(join(root, "app/opq"), { recursive: true });
  await writeFile(join(root, "app/main.js"), "console.log(1)\n");
  await link(join(root, "app/main.js"), join(root, "app/opq/same.js"));
  await symlink("main.js", join(root, "app/current"));
  execFileSync("mkfifo", [join(root, "app/pipe")]);
  for (const p of ["app/opq/same.js", "app/opq", "app"]) await utimes(join(root, p), 1_700_000_000, 1_700_000_000);
}

async function members(bytes: Buffer): Promise<string[]> {
  const out: string[] = [];
  for await (const e of readTar(chunked(bytes, 700))) {
    const h = e.header;
    const body = (await e.readAll()).toString();
    const x = [...h.xattrs.keys()].join(",");
    out.push(`${h.type} ${h.name}${h.linkname ? ` -> ${h.linkname}` : ""}${body ? ` ${JSON.stringify(body)}` : ""}${x ? ` [${x}]` : ""}`);
  }
  return out;
}

describe("diffUpperDir", () => {
  it("writes the upper dir as layer members: opaque marker, hard link, symlink, fifo, xattrs without overlay's", async () => {
    await using dir = await tempDir("upper-diff");
    await tree(dir.path);
    const asked: string[][] = [];
    const xattrs = fakeXattrs({ "/app/opq": { "trusted.overlay.opaque": "y", "user.note": "kept" } }, asked)(dir.path);
    const tar = await collect(diffUpperDir(dir.path, { xattrs }));
    expect(await members(tar)).toEqual([
      "dir app/",
      "symlink app/current -> main.js",
      'file app/main.js "console.log(1)\\n"',
      "dir app/opq/ [user.note]",
      "file app/opq/.wh..wh..opq",
      "hardlink app/opq/same.js -> app/main.js",
      "fifo app/pipe",
    ]);
    // One read of every node's attributes, whatever their names.
    expect(asked).toHaveLength(1);
    expect(asked[0]?.slice(0, 2)).toEqual(["-", join(dir.path, "/app")]);
  });

  it("gives the same bytes for the same tree", async () => {
    await using dir = await tempDir("upper-diff");
    await tree(dir.path);
    const xattrs = fakeXattrs({})(dir.path);
    const [a, b] = [await collect(diffUpperDir(dir.path, { xattrs })), await collect(diffUpperDir(dir.path, { xattrs }))];
    expect(a.equals(b)).toBe(true);
  });

  it("refuses an upper dir that points into the layers below (redirect_dir, metacopy)", async () => {
    await using dir = await tempDir("upper-diff");
    await tree(dir.path);
    const xattrs = fakeXattrs({ "/app": { "trusted.overlay.redirect": "/old" } })(dir.path);
    expect(await errorOf(collect(diffUpperDir(dir.path, { xattrs })))).toMatchObject({ kind: "FailedPrecondition" });
  });

  it("stops when aborted", async () => {
    await using dir = await tempDir("upper-diff");
    await tree(dir.path);
    const ctl = new AbortController();
    ctl.abort();
    await expect(collect(diffUpperDir(dir.path, { xattrs: fakeXattrs({})(dir.path), signal: ctl.signal }))).rejects.toThrow(/abort/i);
  });
});
