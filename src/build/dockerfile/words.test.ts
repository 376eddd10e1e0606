import { describe, expect, it } from "vitest";
import { extractLeadingFlags, parseJsonArray, parseWords, splitWhitespace } from "./words.ts";

describe("parseWords", () => {
  it("splits on unquoted whitespace and keeps quotes and escapes", () => {
    expect(parseWords(`a=b c="d e" f='g h'`, "\\")).toEqual(["a=b", 'c="d e"', "f='g h'"]);
    expect(parseWords(`a=x\\ y b`, "\\")).toEqual(["a=x\\ y", "b"]);
    expect(parseWords(`k="a \\" b"`, "\\")).toEqual([`k="a \\" b"`]);
    expect(parseWords(`k='a \\' b`, "\\")).toEqual([`k='a \\'`, "b"]);
    expect(parseWords(`  x   y  `, "\\")).toEqual(["x", "y"]);
    expect(parseWords(`""`, "\\")).toEqual(['""']);
  });
  it("uses the file's escape character", () => {
    expect(parseWords("p=C:\\a` b", "`")).toEqual(["p=C:\\a` b"]);
  });
});

describe("splitWhitespace", () => {
  it("ignores quotes", () => {
    expect(splitWhitespace(` a  "b c"\td `)).toEqual(["a", '"b', 'c"', "d"]);
  });
});

describe("extractLeadingFlags", () => {
  it("takes flags off the front only", () => {
    expect(extractLeadingFlags(`--from=build --chown=1:1 src --x /dst`)).toEqual({
      flags: ["from=build", "chown=1:1"],
      rest: "src --x /dst",
    });
    expect(extractLeadingFlags(`--mount="type=bind,target=/a b" echo`)).toEqual({
      flags: ["mount=type=bind,target=/a b"],
      rest: "echo",
    });
    expect(extractLeadingFlags(`--link`)).toEqual({ flags: ["link"], rest: "" });
    expect(extractLeadingFlags(`-- --notaflag`)).toEqual({ flags: [], rest: "--notaflag" });
    expect(extractLeadingFlags(`-x`)).toEqual({ flags: [], rest: "-x" });
  });
});

describe("parseJsonArray", () => {
  it("tells exec form from shell form", () => {
    expect(parseJsonArray(` ["a", "b c"]`)).toEqual({ kind: "json", items: ["a", "b c"] });
    expect(parseJsonArray(`[]`)).toEqual({ kind: "json", items: [] });
    expect(parseJsonArray(`echo [a]`)).toEqual({ kind: "not-json" });
    expect(parseJsonArray(`['a']`)).toEqual({ kind: "not-json" });
    expect(parseJsonArray(`["a"] && b`)).toEqual({ kind: "not-json" });
    expect(parseJsonArray(`["a", 1]`).kind).toBe("invalid");
  });
});
