import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { layeredLowerView } from "./lower-view.ts";
import { tempDir } from "./testing/fs-fixtures.ts";

async function tree(root: string, files: readonly string[]): Promise<void> {
  for (const f of files) {
    if (f.endsWith("/")) await mkdir(join(root, f), { recursive: true });
    else {
      await mkdir(join(root, f, ".."), { recursive: true });
      await writeFile(join(root, f), f);
    }
  }
}

// Whiteouts need root (mknod) and are covered by test/integration/api-changes.test.ts; opaque
// marks come from a fake probe here.
describe("layeredLowerView", () => {
  it("finds paths in any layer, and lists the union of a directory's layers", async () => {
    await using dir = await tempDir("lower");
    const [top, bottom] = [join(dir.path, "top"), join(dir.path, "bottom")];
    await tree(bottom, ["bin/sh", "etc/passwd", "etc/group", "usr/lib/x"]);
    await tree(top, ["etc/os-release", "opt/app/"]);
    const view = layeredLowerView([top, bottom], { opaque: async () => new Set() });
    const found = await view.existing(["/bin/sh", "/etc/os-release", "/opt/app", "/etc/shadow", "/nope/deeper", "/usr/lib"]);
    expect([...found].sort()).toEqual(["/bin/sh", "/etc/os-release", "/opt/app", "/usr/lib"]);
    expect(await view.list("/etc")).toEqual(["group", "os-release", "passwd"]);
    expect(await view.list("/nope")).toEqual([]);
  });

  it("stops at an opaque directory of a higher layer", async () => {
    await using dir = await tempDir("lower");
    const [top, bottom] = [join(dir.path, "top"), join(dir.path, "bottom")];
    await tree(bottom, ["usr/share/doc/a", "usr/share/doc/b", "usr/share/man/m"]);
    await tree(top, ["usr/share/doc/c"]);
    const opaqueDir = join(top, "usr/share/doc");
    const view = layeredLowerView([top, bottom], { opaque: async (dirs) => new Set(dirs.filter((d) => d === opaqueDir)) });
    const found = await view.existing(["/usr/share/doc/a", "/usr/share/doc/c", "/usr/share/man/m"]);
    expect([...found].sort()).toEqual(["/usr/share/doc/c", "/usr/share/man/m"]);
    expect(await view.list("/usr/share/doc")).toEqual(["c"]);
    expect(await view.list("/usr/share")).toEqual(["doc", "man"]);
  });

  it("lets a file in a higher layer hide a directory below", async () => {
    await using dir = await tempDir("lower");
    const [top, bottom] = [join(dir.path, "top"), join(dir.path, "bottom")];
    await tree(bottom, ["srv/data/x"]);
    await tree(top, ["srv/data"]);
    await symlink("/elsewhere", join(top, "srv/link"));
    const view = layeredLowerView([top, bottom], { opaque: async () => new Set() });
    expect([...(await view.existing(["/srv/data/x", "/srv/data", "/srv/link"]))].sort()).toEqual(["/srv/data", "/srv/link"]);
    expect(await view.list("/srv/data")).toEqual([]);
  });

  it("sees nothing without layers", async () => {
    const view = layeredLowerView([], { opaque: async () => new Set() });
    expect((await view.existing(["/etc"])).size).toBe(0);
    expect(await view.list("/")).toEqual([]);
  });
});
