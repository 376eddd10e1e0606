import { describe, expect, it } from "vitest";
import { parseGoDuration } from "./duration.ts";

describe("parseGoDuration", () => {
  it.each([
    ["0", 0],
    ["30s", 30e9],
    ["1m30s", 90e9],
    ["1.5h", 5400e9],
    ["300ms", 300e6],
    ["2us", 2000],
    ["-1s", -1e9],
    [".5s", 5e8],
  ])("%s", (text, ns) => {
    expect(parseGoDuration(text)).toBe(ns);
  });
  it.each(["", "10", "1x", "s", "1s2", "1.s.s"])("rejects %j", (text) => {
    expect(() => parseGoDuration(text)).toThrow("invalid duration");
  });
});
