import { it, expect } from "vitest";
import { execa } from "execa";

// The Linux VM for macOS/Windows users must at least be a valid Vagrantfile.
it("the Vagrantfile validates", async () => {
  const r = await execa("vagrant", ["validate"], { reject: false, env: { VAGRANT_CHECKPOINT_DISABLE: "1" } });
  expect(r.stdout + r.stderr).toContain("Vagrantfile validated successfully");
  expect(r.exitCode).toBe(0);
});
