import { PassThrough, Readable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import type { CliIo } from "../io.ts";
import { runCli } from "../main.ts";

// `tstack completion` must stay as cheap as --help: loading compose's planner or its loader's
// parsers fails this file.
vi.mock("../../compose/plan/index.ts", () => {
  throw new Error("the compose planner was loaded");
});
vi.mock("yaml", () => {
  throw new Error("yaml (the compose loader) was loaded");
});
vi.mock("ajv", () => {
  throw new Error("ajv (the compose validator) was loaded");
});

async function tstack(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const out = new PassThrough().on("data", (c: Buffer) => (stdout += c.toString()));
  const err = new PassThrough().on("data", (c: Buffer) => (stderr += c.toString()));
  const io: CliIo = {
    env: {},
    cwd: "/",
    stdout: out,
    stderr: err,
    stdin: Readable.from([]),
    interrupt: { signal: new AbortController().signal, onRepeat: () => undefined },
    selfCommand: [],
    now: () => 0,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

describe("tstack completion", () => {
  it("the guard works: those modules cannot be loaded in this file", async () => {
    await expect(import("../../compose/plan/index.ts")).rejects.toThrow(/error when mocking a module/);
  });

  it.each([
    ["bash", "complete -F _tstack tstack"],
    ["zsh", "#compdef tstack"],
    ["fish", "complete -c tstack "],
  ])("prints the %s script without loading compose", async (shell, marker) => {
    const r = await tstack("completion", shell);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(marker);
    expect(r.stdout).toContain("config --services");
  });

  it("refuses another shell as a usage error", async () => {
    const r = await tstack("completion", "tcsh");
    expect(r.code).toBe(16);
    expect(r.stderr).toMatch(/'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish/);
  });
});
