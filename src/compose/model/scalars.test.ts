import { describe, expect, it } from "vitest";
import { toBool, toBytes, toDurationNs, toInt } from "./scalars.ts";
import { splitShellWords } from "./shell-words.ts";

describe("scalars", () => {
  it("durations in nanoseconds", () => {
    expect(toDurationNs("1m30s")).toBe(90e9);
    expect(toDurationNs("250ms")).toBe(250e6);
    expect(toDurationNs("1.5h")).toBe(5400e9);
    expect(toDurationNs("0")).toBe(0);
    expect(toDurationNs(10)).toBe(10e9);
    expect(toDurationNs("10")).toBeUndefined();
    expect(toDurationNs("1x")).toBeUndefined();
  });
  it("byte sizes with binary units", () => {
    expect(toBytes("512m")).toBe(512 * 1024 ** 2);
    expect(toBytes("1GiB")).toBe(1024 ** 3);
    expect(toBytes("20M")).toBe(20 * 1024 ** 2);
    expect(toBytes(1024)).toBe(1024);
    expect(toBytes("lots")).toBeUndefined();
  });
  it("booleans and integers from interpolated strings", () => {
    expect(toBool("true")).toBe(true);
    expect(toBool("No")).toBe(false);
    expect(toBool("maybe")).toBeUndefined();
    expect(toInt("3")).toBe(3);
    expect(toInt("-1")).toBe(-1);
    expect(toInt("1.5")).toBeUndefined();
  });
  it("shell words", () => {
    expect(splitShellWords(`sh -c 'echo "a b"' x\\ y`)).toEqual({ ok: true, value: ["sh", "-c", 'echo "a b"', "x y"] });
    expect(splitShellWords(`echo "unterminated`).ok).toBe(false);
    expect(splitShellWords(`a "" b`)).toEqual({ ok: true, value: ["a", "", "b"] });
  });
});
