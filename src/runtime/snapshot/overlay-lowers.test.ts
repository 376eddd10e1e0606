import { describe, expect, it } from "vitest";
import { overlayLowerDirs } from "./overlay-lowers.ts";
import { overlayMount } from "./overlay-mount.ts";

describe("overlayLowerDirs", () => {
  it("gives the layers topmost first, as absolute paths", () => {
    const mount = overlayMount({ snapshotsDir: "/s", lowerRelative: ["a/fs", "b/fs"], upperDir: "/c/upper", workDir: "/c/work" });
    expect(overlayLowerDirs(mount)).toEqual(["/s/b/fs", "/s/a/fs"]);
  });

  it("resolves relative lowerdirs against the mount's working directory", () => {
    const mount = { options: ["lowerdir=b/fs:a/fs", "upperdir=/u", "workdir=/w"], cwd: "/s" };
    expect(overlayLowerDirs(mount)).toEqual(["/s/b/fs", "/s/a/fs"]);
  });

  it("refuses a description without lowerdir", () => {
    expect(() => overlayLowerDirs({ options: ["upperdir=/u"] })).toThrow(/no lowerdir/);
  });
});
