import { describe, expect, it } from "vitest";
import { copyTarget, rootName } from "./cp.ts";

describe("docker cp's argument and destination rules", () => {
  it("puts the source into an existing directory under its own name, else renames it", () => {
    expect(copyTarget({ name: "a.txt", isDir: false }, "/tmp", "dir")).toEqual({ dir: "/tmp", name: "a.txt" });
    expect(copyTarget({ name: "a.txt", isDir: false }, "/tmp/", "dir")).toEqual({ dir: "/tmp/", name: "a.txt" });
    expect(copyTarget({ name: "a.txt", isDir: false }, "/tmp/b.txt", "missing")).toEqual({ dir: "/tmp", name: "b.txt" });
    expect(copyTarget({ name: "a.txt", isDir: false }, "/tmp/b.txt", "file")).toEqual({ dir: "/tmp", name: "b.txt" });
    expect(copyTarget({ name: "d", isDir: true }, "/srv/new", "missing")).toEqual({ dir: "/srv", name: "new" });
  });

  it("refuses a trailing slash on a missing or non-directory path, and a directory onto a file", () => {
    expect(() => copyTarget({ name: "a", isDir: false }, "/nope/", "missing")).toThrow(/does not exist/);
    expect(() => copyTarget({ name: "a", isDir: false }, "/etc/passwd/", "file")).toThrow(/not a directory/);
    expect(() => copyTarget({ name: "d", isDir: true }, "/etc/passwd", "file")).toThrow(/directory onto the file/);
  });

  it("names an archive's root by the path's last component", () => {
    expect(rootName("/etc/hosts")).toBe("hosts");
    expect(rootName("/srv/data/")).toBe("data");
    expect(rootName("/")).toBe("/");
  });
});
