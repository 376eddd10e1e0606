import { describe, expect, it } from "vitest";
import { classifyWhiteout } from "./whiteout.ts";

describe("classifyWhiteout", () => {
  it("classifies", () => {
    expect(classifyWhiteout(["a", ".wh.b"], "")).toEqual({ kind: "whiteout", dir: ["a"], name: "b" });
    expect(classifyWhiteout([".wh..wh..opq"], "")).toEqual({ kind: "opaque", dir: [] });
    expect(classifyWhiteout(["x", ".wh..wh.plnk"], "")).toEqual({ kind: "aufs-meta" });
    expect(classifyWhiteout(["a", "b.wh.c"], "")).toEqual({ kind: "none" });
    expect(() => classifyWhiteout([".wh..."], ".wh...")).toThrow(/refusing/);
  });
});
