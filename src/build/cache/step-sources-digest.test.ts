import { describe, expect, it } from "vitest";
import { stepSourcesDigest } from "./step-sources-digest.ts";

const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"b".repeat(64)}`;

describe("stepSourcesDigest", () => {
  it("is pinned", () => {
    expect(stepSourcesDigest([A])).toBe("sha256:27fddbe10febc528ca2cdb675bb992f299c790aae13cb2be161bd3e5c7ad52df");
    expect(stepSourcesDigest([A, B])).toBe("sha256:bb537661ac7e55f8921f442788108b95ce4e32fcf3094fb389299ef2c40506f9");
  });
  it("depends on every digest and their order", () => {
    const all = [[A], [B], [A, B], [B, A], []].map(stepSourcesDigest);
    expect(new Set(all).size).toBe(all.length);
  });
});
