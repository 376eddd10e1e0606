import { describe, expect, it } from "vitest";
import { conflict, notFound } from "../common/errors.ts";
import { ComposeLoadError } from "../compose/load/index.ts";
import { categorize, exitCodeOf, ExitStatus, formatError } from "./cli-errors.ts";

describe("exit codes", () => {
  it("follows docker compose's categories", () => {
    expect(exitCodeOf(conflict("x"))).toBe(1);
    expect(exitCodeOf(new Error("boom"))).toBe(1);
    expect(exitCodeOf(categorize("compose-file-not-found", notFound("no configuration file provided")))).toBe(14);
    expect(exitCodeOf(categorize("compose-invalid", new ComposeLoadError("bad", { file: "c.yaml", line: 3, column: 5 })))).toBe(15);
    expect(exitCodeOf(categorize("usage", new Error("x")))).toBe(16);
    expect(exitCodeOf(categorize("pull", new Error("x")))).toBe(18);
    expect(exitCodeOf(Object.assign(new Error("aborted"), { name: "AbortError" }))).toBe(130);
    expect(exitCodeOf(new ExitStatus(3))).toBe(3);
  });

  it("keeps the kind and message when categorising", () => {
    const e = categorize("compose-invalid", new ComposeLoadError("bad value", { file: "c.yaml", line: 3, column: 5, path: ["services", "web"] }));
    expect(e.kind).toBe("InvalidArgument");
    expect(e.message).toBe("c.yaml:3:5: services.web: bad value");
  });
});

describe("formatError", () => {
  it("prints one line without --debug", () => {
    expect(formatError(conflict("name in use", new Error("409")), false)).toEqual(["tstack: name in use"]);
  });
  it("prints the cause chain with --debug", () => {
    const lines = formatError(conflict("name in use", new Error("409 from engine")), true);
    expect(lines[0]).toBe("tstack: name in use");
    expect(lines).toContain("error [Conflict]");
    expect(lines).toContain("caused by: 409 from engine");
  });
  it("says nothing for a bare exit status", () => {
    expect(formatError(new ExitStatus(2), false)).toEqual([]);
  });
});
