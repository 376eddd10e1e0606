import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../bin/tstack.js", import.meta.url));

describe("bin/tstack.js", () => {
  it("prints the version", async () => {
    const r = await execa("node", [bin, "--version"]);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
  it("prints help for the program and for a command", async () => {
    const top = await execa("node", [bin, "--help"]);
    expect(top.stdout).toContain("Usage: tstack");
    for (const c of ["up", "down", "logs", "exec", "engine"]) expect(top.stdout).toContain(c);
    const up = await execa("node", [bin, "up", "--help"]);
    expect(up.stdout).toContain("--abort-on-container-exit");
  });
  it("exits 16 on a usage error and 14 without a compose file", async () => {
    const bad = await execa("node", [bin, "up", "--no-such-flag"], { reject: false });
    expect(bad.exitCode).toBe(16);
    expect(bad.stderr).toContain("unknown option");
    const none = await execa("node", [bin, "config"], { reject: false, cwd: "/" });
    expect(none.exitCode).toBe(14);
    expect(none.stderr).toMatch(/^tstack: no configuration file provided/);
  });
});
