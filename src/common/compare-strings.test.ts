import { describe, expect, it } from "vitest";
import { compareStrings } from "./compare-strings.ts";

describe("compareStrings", () => {
  it("orders by code unit, upper case before lower case, like Go", () => {
    expect(["b", "a", "B", "a1", "a"].sort(compareStrings)).toEqual(["B", "a", "a", "a1", "b"]);
    expect(compareStrings("x", "x")).toBe(0);
  });
});
