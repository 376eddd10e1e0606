import { describe, expect, it } from "vitest";
import { applyDirective, readDirectiveLine, type Directives } from "./directives.ts";

describe("readDirectiveLine", () => {
  it("accepts the known directives in any case and spacing", () => {
    expect(readDirectiveLine("# syntax=docker/dockerfile:1.4")).toEqual({ kind: "directive", name: "syntax", value: "docker/dockerfile:1.4" });
    expect(readDirectiveLine("#ESCAPE = `  ")).toEqual({ kind: "directive", name: "escape", value: "`" });
    expect(readDirectiveLine("# check=skip=all")).toEqual({ kind: "directive", name: "check", value: "skip=all" });
  });
  it("ends the directives on anything else", () => {
    expect(readDirectiveLine("  # syntax=x")).toEqual({ kind: "directive", name: "syntax", value: "x" });
    for (const line of ["", "# a comment", "# unknown=x", "FROM a", "#syntax"]) expect(readDirectiveLine(line), line).toEqual({ kind: "end" });
  });
});

describe("applyDirective", () => {
  it("sets the escape character once", () => {
    const seen = new Set<string>();
    const d: Directives = applyDirective({ escape: "\\" }, seen, { kind: "directive", name: "escape", value: "`" });
    expect(d.escape).toBe("`");
    expect(() => applyDirective(d, seen, { kind: "directive", name: "escape", value: "\\" })).toThrow("only one escape parser directive");
    expect(() => applyDirective(d, new Set(), { kind: "directive", name: "escape", value: "x" })).toThrow("invalid escape token 'x'");
  });
});
