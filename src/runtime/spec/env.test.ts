import { describe, expect, it } from "vitest";
import { mergeEnv } from "./env.ts";

describe("mergeEnv", () => {
  it("replaces by key in place and appends new keys in order", () => {
    expect(mergeEnv(["PATH=/bin", "A=1", "B=2"], ["B=3", "C=4", "PATH=/usr/bin"])).toEqual([
      "PATH=/usr/bin",
      "A=1",
      "B=3",
      "C=4",
    ]);
  });

  it("keeps values containing '=' whole and splits on the first '=' only", () => {
    expect(mergeEnv(["OPTS=a=b"], ["OPTS=c=d=e"])).toEqual(["OPTS=c=d=e"]);
  });

  it("removes a key given without '='", () => {
    expect(mergeEnv(["A=1", "B=2", "C=3"], ["B"])).toEqual(["A=1", "C=3"]);
    expect(mergeEnv(["A=1"], ["NOPE"])).toEqual(["A=1"]);
  });

  it("lets a later override re-add a removed key at the end", () => {
    expect(mergeEnv(["A=1", "B=2"], ["A", "A=9"])).toEqual(["B=2", "A=9"]);
  });

  it("keeps an empty value, which is not a removal", () => {
    expect(mergeEnv(["A=1"], ["A="])).toEqual(["A="]);
  });

  it("keeps a key repeated in the overrides once, last wins", () => {
    expect(mergeEnv([], ["X=1", "Y=2", "X=3"])).toEqual(["X=3", "Y=2"]);
  });

  it("is case-sensitive", () => {
    expect(mergeEnv(["path=/x"], ["PATH=/y"])).toEqual(["path=/x", "PATH=/y"]);
  });

  it("rejects an empty name", () => {
    expect(() => mergeEnv([], ["=oops"])).toThrow(/empty name/);
  });
});
