import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "./testing/fs-fixtures.ts";
import { readUpperDir } from "./upper-dir.ts";

// Whiteouts (0/0 devices) and trusted.* xattrs need root: the real-filesystem forms are covered by
// test/integration/api-changes.test.ts; here the opaque mark comes from a fake probe.
describe("readUpperDir", () => {
  it("lists every entry parents first, siblings by name, with opaque dirs from the probe", async () => {
    await using dir = await tempDir("upper");
    const up = dir.path;
    await mkdir(join(up, "etc"));
    await writeFile(join(up, "etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
    await mkdir(join(up, "a/b"), { recursive: true });
    await mkdir(join(up, "a-b"));
    await symlink("/nowhere", join(up, "a/link"));
    const asked: string[] = [];
    const entries = await readUpperDir(up, {
      opaque: async (dirs) => {
        asked.push(...dirs);
        return new Set([join(up, "a/b")]);
      },
    });
    expect(entries).toEqual([
      { kind: "dir", path: "/a" },
      { kind: "opaque-dir", path: "/a/b" },
      { kind: "file", path: "/a/link" },
      { kind: "dir", path: "/a-b" },
      { kind: "dir", path: "/etc" },
      { kind: "file", path: "/etc/passwd" },
    ]);
    expect(asked.sort()).toEqual([join(up, "a"), join(up, "a-b"), join(up, "a/b"), join(up, "etc")]);
  });

  it("gives nothing for an empty upper dir", async () => {
    await using dir = await tempDir("upper");
    expect(await readUpperDir(dir.path, { opaque: async () => new Set() })).toEqual([]);
  });
});
