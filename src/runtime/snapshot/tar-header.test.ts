import { describe, expect, it } from "vitest";
import { computeChecksums, parseNumeric } from "./tar-header.ts";

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
