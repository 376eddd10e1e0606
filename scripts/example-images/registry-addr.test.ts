import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chooseExampleRegistryAddr } from "./registry.ts";

const dir = mkdtempSync(join(tmpdir(), "tstack-example-registry-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("chooseExampleRegistryAddr", () => {
  it("takes 127.0.0.1:5000 when it is free", async () => {
    expect(await chooseExampleRegistryAddr(dir, async () => true)).toBe("127.0.0.1:5000");
  });

  it("steps over ports something else holds, a registry of the user's on :5000 among them", async () => {
    const held = new Set([5000, 5001]);
    expect(await chooseExampleRegistryAddr(dir, async (p) => !held.has(p))).toBe("127.0.0.1:5002");
  });

  it("does not take a stale pid file for a running registry of ours", async () => {
    writeFileSync(join(dir, "registry.pid"), `${process.pid}\n`); // this test runner, not a registry
    writeFileSync(join(dir, "config.yml"), "http:\n  addr: 127.0.0.1:5055\n");
    expect(await chooseExampleRegistryAddr(dir, async () => true)).toBe("127.0.0.1:5000");
  });

  it("says so when no port is free", async () => {
    await expect(chooseExampleRegistryAddr(dir, async () => false)).rejects.toThrow(/no free port/);
  });
});
