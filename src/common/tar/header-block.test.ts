import { describe, expect, it } from "vitest";
import { computeChecksums, formatHeader, parseHeader, parseNumeric, splitUstarName, type RawHeader } from "./header-block.ts";

describe("tar header numbers", () => {
  it("parses octal with padding and base-256", () => {
    expect(parseNumeric(Buffer.from(" 0000755\0"), 0, 8, "m")).toBe(0o755);
    expect(parseNumeric(Buffer.from("\0\0\0\0\0\0\0\0"), 0, 8, "m")).toBe(0);
    expect(parseNumeric(Buffer.from([0x80, 0, 0, 0, 0, 0, 1, 0]), 0, 8, "u")).toBe(256);
    expect(parseNumeric(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]), 0, 8, "t")).toBe(-2);
    expect(() => parseNumeric(Buffer.from("0009x\0\0\0"), 0, 8, "m")).toThrow(/octal/);
    expect(() => parseNumeric(Buffer.from([0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 0, 8, "s")).toThrow(/range/);
  });
  it("computes checksums with the field as spaces", () => {
    const b = Buffer.alloc(512);
    expect(computeChecksums(b)).toEqual([256, 256]);
    b[0] = 200;
    expect(computeChecksums(b)).toEqual([456, 256 - 56]);
  });
});

describe("formatHeader", () => {
  const base: RawHeader = {
    name: "etc/hosts", mode: 0o4755, uid: 1000, gid: 50, size: 20, mtime: 1_600_000_000, typeflag: "0",
    linkname: "", uname: "me", gname: "staff", devmajor: 1, devminor: 3, format: "ustar",
  };

  it("formats what parseHeader reads back, in ustar, GNU and v7 layouts", () => {
    expect(parseHeader(formatHeader(base))).toEqual(base);
    expect(parseHeader(formatHeader({ ...base, format: "gnu" }))).toEqual({ ...base, format: "gnu" });
    const v7 = { ...base, uname: "", gname: "", devmajor: 0, devminor: 0, format: "v7" as const };
    expect(parseHeader(formatHeader({ ...base, format: "v7" }))).toEqual(v7);
  });

  it("puts a long name into the ustar prefix field, and only in ustar", () => {
    const name = `${"d".repeat(120)}/${"f".repeat(90)}`;
    const block = formatHeader({ ...base, name });
    expect(parseHeader(block).name).toBe(name);
    expect(block.toString("latin1", 345, 465)).toBe("d".repeat(120));
    expect(parseHeader(formatHeader({ ...base, name, format: "gnu" })).name).toBe(name.slice(0, 100));
    expect(splitUstarName(`${"x".repeat(101)}`)).toBeUndefined();
    expect(splitUstarName(`a/${"x".repeat(101)}`)).toBeUndefined();
  });

  it("writes numbers octal cannot hold, or all of them when asked, in GNU base-256", () => {
    const big = { ...base, uid: 2 ** 40, mtime: -1 };
    expect(parseHeader(formatHeader(big))).toMatchObject({ uid: 2 ** 40, mtime: -1, gid: 50 });
    const block = formatHeader(base, { base256: true });
    expect(block[108]).toBe(0x80);
    expect(parseHeader(block)).toEqual(base);
  });
});
