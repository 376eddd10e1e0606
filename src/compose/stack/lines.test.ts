import { describe, expect, it } from "vitest";
import { LineSplitter } from "./lines.ts";

describe("LineSplitter", () => {
  it("splits lines and keeps partial ones", () => {
    const s = new LineSplitter();
    expect(s.push("a\nb")).toEqual(["a"]);
    expect(s.push("c\r\nd")).toEqual(["bc"]);
    expect(s.flush()).toEqual(["d"]);
  });
});
