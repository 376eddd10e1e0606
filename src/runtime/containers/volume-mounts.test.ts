import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveMounts } from "./volume-mounts.ts";
import { containerTestbed } from "./testing/container-testbed.ts";

describe("resolveMounts", () => {
  it("fills a new, empty named volume from the image's content once, through the process runner", async () => {
    await using bed = await containerTestbed();
    const rootfs = join(bed.dir, "rootfs");
    await mkdir(join(rootfs, "var/lib/db"), { recursive: true });
    await writeFile(join(rootfs, "var/lib/db/seed"), "x");
    const deps = { volumes: bed.volumes, runner: bed.runner, rootfs };
    const { mounts } = await resolveMounts([{ type: "volume", name: "db", target: "/var/lib/db", readonly: true }], deps);
    const volume = bed.volumes.get("db");
    expect(mounts).toEqual([{ type: "volume", source: volume.mountpoint, target: "/var/lib/db", name: "db", readonly: true }]);
    expect(bed.runner.commands()).toEqual([`cp -a -- ${rootfs}/var/lib/db/. ${volume.mountpoint}/`]);
    expect(volume.populated).toBe(true);
    await resolveMounts([{ type: "volume", name: "db", target: "/var/lib/db" }], deps);
    expect(bed.runner.commands()).toHaveLength(1);
  });

  it("copies nothing with nocopy, or when the image has nothing there", async () => {
    await using bed = await containerTestbed();
    const deps = { volumes: bed.volumes, runner: bed.runner, rootfs: join(bed.dir, "rootfs") };
    await mkdir(join(deps.rootfs, "etc"), { recursive: true });
    await resolveMounts([{ type: "volume", name: "va", target: "/nothing" }, { type: "volume", name: "vb", target: "/etc", noCopy: true }], deps);
    expect(bed.runner.commands()).toEqual([]);
  });

  it("fails a copy that fails, naming the command", async () => {
    await using bed = await containerTestbed();
    const rootfs = join(bed.dir, "rootfs");
    await mkdir(join(rootfs, "data"), { recursive: true });
    bed.journal.failOn("run.cp", new Error("cp -a exited 1: no space left on device"));
    await expect(resolveMounts([{ type: "volume", name: "vd", target: "/data" }], { volumes: bed.volumes, runner: bed.runner, rootfs })).rejects.toThrow(/no space left/);
  });

  it("checks bind sources, creating them when asked, and passes tmpfs through", async () => {
    await using bed = await containerTestbed();
    const deps = { volumes: bed.volumes, runner: bed.runner, rootfs: join(bed.dir, "rootfs") };
    await expect(resolveMounts([{ type: "bind", source: join(bed.dir, "missing"), target: "/m" }], deps)).rejects.toMatchObject({ kind: "InvalidArgument" });
    const { mounts } = await resolveMounts(
      [
        { type: "bind", source: join(bed.dir, "made"), target: "/m", createHostPath: true },
        { type: "tmpfs", target: "/t", size: 1024 },
      ],
      deps,
    );
    expect(mounts).toEqual([
      { type: "bind", source: join(bed.dir, "made"), target: "/m" },
      { type: "tmpfs", target: "/t", size: 1024 },
    ]);
  });
});
