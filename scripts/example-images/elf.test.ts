import { describe, it, expect } from "vitest";
import { readFile } from "node:fs/promises";
import { isElf, parseElf } from "./elf.ts";

// Real files of this Debian host: a dynamic executable, a shared library, a static binary.
describe("parseElf", () => {
  it("reads an executable's needed libraries and interpreter", async () => {
    const info = parseElf(await readFile("/bin/ls"))!;
    expect(info.needed).toContain("libc.so.6");
    expect(info.interpreter).toMatch(/^\/lib.*\/ld-linux.*\.so\.\d$/);
    expect(info.soname).toBeUndefined();
  });

  it("reads a shared library's own soname", async () => {
    const libc = await readFile("/lib/x86_64-linux-gnu/libc.so.6").catch(() => readFile("/lib/aarch64-linux-gnu/libc.so.6"));
    const info = parseElf(libc)!;
    expect(info.soname).toBe("libc.so.6");
    expect(info.interpreter).toBeDefined(); // libc is also runnable
  });

  it("gives a static binary no needs at all", async () => {
    expect(parseElf(await readFile("/bin/busybox"))).toEqual({ needed: [], soname: undefined, runpath: [], interpreter: undefined });
  });

  it("rejects what is not a whole ELF file", async () => {
    const ls = await readFile("/bin/ls");
    expect(parseElf(Buffer.from("#!/bin/sh\necho hi\n".repeat(10)))).toBeUndefined();
    expect(isElf(ls)).toBe(true);
    expect(parseElf(ls.subarray(0, 200))).toBeUndefined();
    expect(parseElf(ls.subarray(0, 10))).toBeUndefined();
  });
});
