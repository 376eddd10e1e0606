import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { chainIds, childChainId } from "./chain-id.ts";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const d = (c: string) => `sha256:${c.repeat(64)}`;

describe("chainIds", () => {
  it("follows the OCI definition", () => {
    const [a, b, c] = [d("a"), d("b"), d("c")];
    const ids = chainIds([a, b, c]);
    const second = `sha256:${sha(`${a} ${b}`)}`;
    expect(ids).toEqual([a, second, `sha256:${sha(`${second} ${c}`)}`]);
  });
  it("rejects non-digests", () => {
    expect(() => chainIds(["sha256:xyz"])).toThrow(/not a sha256 digest/);
  });
});

describe("childChainId", () => {
  it("is the next chain ID of the stack: a committed layer's on its parent, the diffID alone at the bottom", () => {
    const [a, b, c] = [d("a"), d("b"), d("c")];
    const ids = chainIds([a, b, c]);
    expect(childChainId(ids[1], c)).toBe(ids[2]);
    expect(childChainId(undefined, a)).toBe(a);
    expect(() => childChainId("sha256:nope", c)).toThrow(/parent chain ID/);
    expect(() => childChainId(a, "nope")).toThrow(/diffID/);
  });
});
