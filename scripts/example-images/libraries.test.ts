import { describe, it, expect } from "vitest";
import { librarySearchDirs, missingLibraries, suppliedBy, type FileTree } from "./libraries.ts";

const M = "/usr/lib/x86_64-linux-gnu";
const tree = (files: string[], objects: FileTree["objects"] = []): FileTree => ({ files, objects });
const exe = (path: string, needed: string[], extra: { runpath?: string[]; interpreter?: string } = {}) => ({
  path,
  needed,
  runpath: extra.runpath ?? [],
  interpreter: extra.interpreter,
});

describe("missingLibraries", () => {
  it("finds libraries in multiarch and fixed directories, across trees, through symlinked names", () => {
    const app = tree(["/usr/bin/app"], [exe("/usr/bin/app", ["libfoo.so.1", "libc.so.6"], { interpreter: "/lib64/ld-linux-x86-64.so.2" })]);
    const libs = tree(["/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2", `${M}/libfoo.so.1`]);
    expect(missingLibraries([app, libs])).toEqual([]);
  });

  it("names each missing soname or interpreter with what needs it", () => {
    const t = tree(
      ["/usr/bin/a", "/usr/bin/b", "/usr/share/libbar.so.2"],
      [exe("/usr/bin/a", ["libbar.so.2"], { interpreter: "/lib64/ld.so" }), exe("/usr/bin/b", ["libbar.so.2", "libz.so.1"])],
    );
    expect(missingLibraries([t])).toEqual([
      { name: "/lib64/ld.so", neededBy: ["/usr/bin/a"] },
      { name: "libbar.so.2", neededBy: ["/usr/bin/a", "/usr/bin/b"] },
      { name: "libz.so.1", neededBy: ["/usr/bin/b"] },
    ]);
  });

  it("honours RUNPATH with $ORIGIN", () => {
    const t = tree(["/opt/app/bin/app", "/opt/app/lib/libown.so"], [exe("/opt/app/bin/app", ["libown.so"], { runpath: ["$ORIGIN/../lib"] })]);
    expect(missingLibraries([t])).toEqual([]);
  });
});

describe("suppliedBy and librarySearchDirs", () => {
  it("tells which missing names a package would supply", () => {
    const missing = [
      { name: "libssl.so.3", neededBy: ["/usr/bin/x"] },
      { name: "libz.so.1", neededBy: ["/usr/bin/x"] },
    ];
    expect(suppliedBy([`${M}/libssl.so.3`, `${M}/libcrypto.so.3`], missing, [])).toEqual(["libssl.so.3"]);
    expect(suppliedBy(["/usr/share/doc/libz/copyright"], missing, [])).toEqual([]);
  });

  it("lists multiarch directories first", () => {
    expect(librarySearchDirs([`${M}/a.so`, "/lib/aarch64-linux-gnu/b.so", "/usr/lib/x.so"])).toEqual([
      "/lib/aarch64-linux-gnu",
      M,
      "/lib",
      "/usr/lib",
      "/lib64",
      "/usr/lib64",
    ]);
  });
});
