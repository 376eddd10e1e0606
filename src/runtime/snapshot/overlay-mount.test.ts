import { describe, expect, it } from "vitest";
import { isKind } from "../../common/errors.ts";
import { MOUNT_OPTIONS_LIMIT, overlayMount } from "./overlay-mount.ts";

const layer = (i: number) => `${i.toString(16).padStart(64, "0")}/fs`;

describe("overlayMount", () => {
  it("lists the top layer first with absolute paths when they fit", () => {
    const m = overlayMount({ snapshotsDir: "/s", lowerRelative: ["a/fs", "b/fs", "c/fs"], upperDir: "/c/up", workDir: "/c/work" });
    expect(m).toEqual({
      type: "overlay",
      source: "overlay",
      options: ["lowerdir=/s/c/fs:/s/b/fs:/s/a/fs", "upperdir=/c/up", "workdir=/c/work"],
    });
  });

  it("switches to relative lowerdirs and a cwd when absolute ones exceed a page", () => {
    const lowers = Array.from({ length: 50 }, (_, i) => layer(i));
    const m = overlayMount({ snapshotsDir: "/var/lib/tstack/snapshots", lowerRelative: lowers, upperDir: "/u", workDir: "/w" });
    expect(m.cwd).toBe("/var/lib/tstack/snapshots");
    expect(m.options[0]?.startsWith(`lowerdir=${layer(49)}:${layer(48)}:`)).toBe(true);
    expect(m.options.join(",").length).toBeLessThanOrEqual(MOUNT_OPTIONS_LIMIT);
  });

  it("fails clearly when even relative paths do not fit", () => {
    const lowers = Array.from({ length: 70 }, (_, i) => layer(i));
    let err: unknown;
    try {
      overlayMount({ snapshotsDir: "/s", lowerRelative: lowers, upperDir: "/u", workDir: "/w" });
    } catch (e) {
      err = e;
    }
    expect(isKind(err, "FailedPrecondition")).toBe(true);
  });

  it("refuses paths overlay cannot parse, relative upper dirs and empty stacks", () => {
    const base = { snapshotsDir: "/s", lowerRelative: ["a/fs"], upperDir: "/u", workDir: "/w" };
    expect(() => overlayMount({ ...base, upperDir: "/u:x" })).toThrow(/overlay/);
    expect(() => overlayMount({ ...base, workDir: "/w,x" })).toThrow(/overlay/);
    expect(() => overlayMount({ ...base, upperDir: "u" })).toThrow(/absolute/);
    expect(() => overlayMount({ ...base, lowerRelative: [] })).toThrow(/at least one/);
  });
});
