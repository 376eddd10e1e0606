import { describe, expect, it } from "vitest";
import { diffIgnoredPaths } from "./container-diff.ts";
import { imageInUse, volumeInUse } from "./container-usage.ts";
import { containerTestbed } from "./testing/container-testbed.ts";

describe("what containers hold on to", () => {
  it("finds the volumes they mount and the images they were created from", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord("a".repeat(64), {}, { mounts: [{ type: "volume", name: "data", target: "/d" }, { type: "bind", source: "/x", target: "/x" }] });
    const records = bed.deps.store.list();
    expect(volumeInUse(records, "data")).toBe(true);
    expect(volumeInUse(records, "/x")).toBe(false);
    expect(imageInUse(records, bed.image.id)).toBe(true);
    expect(imageInUse(records, "sha256:other")).toBe(false);
  });

  it("leaves the engine's own files, the init and the mount points out of a diff", async () => {
    await using bed = await containerTestbed();
    const rec = await bed.addRecord("a".repeat(64), {}, { init: true, mounts: [{ type: "tmpfs", target: "/run" }] });
    expect(diffIgnoredPaths(rec)).toEqual(["/proc", "/sys", "/dev", "/etc/hosts", "/etc/resolv.conf", "/etc/hostname", "/sbin/docker-init", "/run"]);
  });
});
