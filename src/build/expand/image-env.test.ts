import { describe, expect, it } from "vitest";
import { envGet, envSet } from "./image-env.ts";

describe("image env", () => {
  it("reads values, including empty ones, and not prefixes of other names", () => {
    const env = ["PATH=/bin", "EMPTY=", "A=1=2"];
    expect([envGet(env, "PATH"), envGet(env, "EMPTY"), envGet(env, "A"), envGet(env, "PAT")]).toEqual(["/bin", "", "1=2", undefined]);
  });
  it("replaces in place or appends, without changing the input", () => {
    const env = ["A=1", "B=2"];
    expect(envSet(env, "A", "9")).toEqual(["A=9", "B=2"]);
    expect(envSet(env, "C", "3")).toEqual(["A=1", "B=2", "C=3"]);
    expect(env).toEqual(["A=1", "B=2"]);
  });
});
