import { describe, expect, it } from "vitest";
import { MS, mountCalls } from "./mount-options.ts";

describe("mountCalls", () => {
  it("turns flag words into MS_* bits and passes the rest, comma-joined, as data", () => {
    expect(mountCalls({ type: "tmpfs", source: "tmpfs", target: "/t", options: ["nosuid", "nodev", "size=64m", "mode=1777", "noexec"] })).toEqual([
      { source: "tmpfs", target: "/t", fstype: "tmpfs", flags: MS.NOSUID | MS.NODEV | MS.NOEXEC, data: "size=64m,mode=1777" },
    ]);
  });

  it("lets a later word undo an earlier one, and drops mount(8)-only words", () => {
    const [c] = mountCalls({ type: "ext4", source: "/dev/x", target: "/t", options: ["ro", "noexec", "rw", "exec", "defaults", "nofail", "x-systemd.foo", "relatime"] });
    expect(c).toMatchObject({ flags: MS.RELATIME, data: "" });
  });

  it("keeps cwd on the mount itself (overlay's relative lowerdirs)", () => {
    expect(mountCalls({ type: "overlay", source: "overlay", target: "/m", options: ["lowerdir=1:2", "upperdir=/u", "workdir=/w"], cwd: "/layers" })).toEqual([
      { source: "overlay", target: "/m", fstype: "overlay", flags: 0, data: "lowerdir=1:2,upperdir=/u,workdir=/w", cwd: "/layers" },
    ]);
  });

  it("applies a bind's flags with a remount of the bind, then the propagation, one call each", () => {
    expect(mountCalls({ type: "bind", source: "/src", target: "/dst", options: ["rbind", "ro", "nosuid", "rprivate"] })).toEqual([
      { source: "/src", target: "/dst", fstype: "", flags: MS.BIND | MS.REC, data: "" },
      { source: "", target: "/dst", fstype: "", flags: MS.REMOUNT | MS.BIND | MS.RDONLY | MS.NOSUID, data: "" },
      { source: "", target: "/dst", fstype: "", flags: MS.PRIVATE | MS.REC, data: "" },
    ]);
    expect(mountCalls({ type: "none", source: "/src", target: "/dst", options: ["bind"] })).toEqual([
      { source: "/src", target: "/dst", fstype: "", flags: MS.BIND, data: "" },
    ]);
  });

  it("remounts in one call, bind or not", () => {
    expect(mountCalls({ type: "tmpfs", source: "", target: "/t", options: ["remount", "ro"] })).toEqual([
      { source: "", target: "/t", fstype: "tmpfs", flags: MS.REMOUNT | MS.RDONLY, data: "" },
    ]);
    expect(mountCalls({ type: "none", source: "", target: "/t", options: ["remount", "bind", "ro"] })).toEqual([
      { source: "", target: "/t", fstype: "", flags: MS.REMOUNT | MS.BIND | MS.RDONLY, data: "" },
    ]);
  });
});
