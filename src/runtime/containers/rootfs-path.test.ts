import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { mkdtemp, mkdir, rm, symlink, writeFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mkdirInRootfs, readRootfsFile, resolveInRootfs } from "./rootfs-path.ts";

describe("rootfs paths", () => {
  let base: string;
  let rootfs: string;
  let outside: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), "tstack-rootfs-"));
    rootfs = join(base, "rootfs");
    outside = join(base, "outside");
    await mkdir(join(rootfs, "etc"), { recursive: true });
    await mkdir(outside);
    await writeFile(join(outside, "passwd"), "host secret\n");
    await writeFile(join(rootfs, "etc", "passwd"), "root:x:0:0::/root:/bin/sh\n");
  });
  afterEach(() => rm(base, { recursive: true, force: true }));

  it("keeps absolute and relative symlinks inside the rootfs", async () => {
    await symlink(outside, join(rootfs, "abs"));
    await symlink("../../../../..", join(rootfs, "etc", "up"));
    expect(await resolveInRootfs(rootfs, "/abs/passwd")).toBe(join(rootfs, outside, "passwd"));
    expect(await resolveInRootfs(rootfs, "/etc/up/etc/passwd")).toBe(join(rootfs, "etc", "passwd"));
    expect(await resolveInRootfs(rootfs, "/../../etc/passwd")).toBe(join(rootfs, "etc", "passwd"));
  });

  it("never reads a host file through a planted symlink", async () => {
    await rm(join(rootfs, "etc", "passwd"));
    await symlink(join(outside, "passwd"), join(rootfs, "etc", "passwd"));
    expect(await readRootfsFile(rootfs, "/etc/passwd")).toBeUndefined();
  });

  it("creates directories inside the rootfs even through hostile symlinks", async () => {
    await symlink(outside, join(rootfs, "work"));
    const made = await mkdirInRootfs(rootfs, "/work/app/data");
    expect(made).toBe(join(rootfs, outside, "app", "data"));
    expect(await readdir(outside)).toEqual(["passwd"]);
  });

  it("refuses symlink loops and files in the way", async () => {
    await symlink("/loop", join(rootfs, "loop"));
    await expect(resolveInRootfs(rootfs, "/loop/x")).rejects.toThrow(/too many levels/);
    await expect(mkdirInRootfs(rootfs, "/etc/passwd/x")).rejects.toThrow(/not a directory/);
  });
});
