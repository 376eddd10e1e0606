import { describe, expect, it } from "vitest";
import { copyTarget, parseCopyArg, rootName, statIsDir } from "./cp.ts";

describe("docker cp's argument and destination rules", () => {
  it("tells service paths from host paths", () => {
    expect(parseCopyArg("web:/etc/hosts")).toEqual({ service: "web", path: "/etc/hosts" });
    expect(parseCopyArg("./web:x")).toEqual({ host: "./web:x" });
    expect(parseCopyArg("/tmp/a:b")).toEqual({ host: "/tmp/a:b" });
    expect(parseCopyArg("file.txt")).toEqual({ host: "file.txt" });
  });

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

  it("reads the directory bit of X-Docker-Container-Path-Stat (Go's os.ModeDir)", () => {
    const header = (mode: number) => ({ "x-docker-container-path-stat": Buffer.from(JSON.stringify({ name: "x", mode })).toString("base64") });
    expect(statIsDir(header(2 ** 31 + 0o755))).toBe(true);
    expect(statIsDir(header(0o644))).toBe(false);
    expect(statIsDir(undefined)).toBe(false);
  });
});
