import { describe, expect, it } from "vitest";
import { parseFlags } from "./flags.ts";

const spec = { from: "string", link: "bool", mount: "strings", parents: "unsupported" } as const;

describe("parseFlags", () => {
  it("reads strings, booleans and repeated flags", () => {
    expect(parseFlags("COPY", ["from=a", "link", "mount=x", "mount=y"], spec)).toEqual({
      from: "a",
      link: true,
      mount: ["x", "y"],
      parents: undefined,
    });
    expect(parseFlags("COPY", ["link=false"], spec).link).toBe(false);
    expect(parseFlags("COPY", ["from="], spec).from).toBe("");
  });
  it("names what is wrong", () => {
    expect(() => parseFlags("COPY", ["chmodd=1"], spec)).toThrow("unknown flag --chmodd for COPY");
    expect(() => parseFlags("COPY", ["parents"], spec)).toThrow("COPY --parents is not supported by tstack");
    expect(() => parseFlags("COPY", ["from=a", "from=b"], spec)).toThrow("duplicate flag specified: --from");
    expect(() => parseFlags("COPY", ["from"], spec)).toThrow("missing a value on flag: --from");
    expect(() => parseFlags("COPY", ["link=yes"], spec)).toThrow("expecting boolean value");
  });
});
