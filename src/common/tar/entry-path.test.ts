import { describe, expect, it } from "vitest";
import { entryComponents } from "./entry-path.ts";

describe("entryComponents", () => {
  it("normalises", () => {
    expect(entryComponents("./a//b/./c/")).toEqual(["a", "b", "c"]);
    expect(entryComponents("/abs/evil")).toEqual(["abs", "evil"]);
    expect(entryComponents("./")).toEqual([]);
    expect(entryComponents("..a/b..")).toEqual(["..a", "b.."]);
  });
  it("rejects .. and NUL", () => {
    for (const bad of ["..", "../x", "a/../b", "a/..", "x\0y"]) {
      expect(() => entryComponents(bad), bad).toThrow();
    }
  });
});
