import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { execa } from "execa";

// The Linux VM for macOS/Windows users must at least be a valid Vagrantfile. `--ignore-provider`
// validates the file itself, so the check holds on a machine with no VirtualBox or libvirt.
const validate = (cwd: string) =>
  execa("vagrant", ["validate", "--ignore-provider"], { cwd, reject: false, env: { VAGRANT_CHECKPOINT_DISABLE: "1" } });

const scratch = mkdtemp(join(tmpdir(), "tstack-vagrant-"));
afterAll(async () => rm(await scratch, { recursive: true, force: true }));

it("the Vagrantfile validates", async () => {
  const r = await validate(process.cwd());
  expect(r.stdout + r.stderr).toContain("Vagrantfile validated successfully");
  expect(r.exitCode).toBe(0);
});

it("a broken copy of it does not", async () => {
  const dir = await scratch;
  const good = await readFile(join(process.cwd(), "Vagrantfile"), "utf8");
  // An unknown setting on the VM's config: valid Ruby, refused by vagrant's own checks.
  await writeFile(join(dir, "Vagrantfile"), good.replace(/(Vagrant\.configure\("2"\) do \|(\w+)\|\n)/, '$1  $2.vm.no_such_setting = 1\n'));
  expect(await readFile(join(dir, "Vagrantfile"), "utf8")).toContain("no_such_setting");
  const r = await validate(dir);
  expect(r.exitCode).not.toBe(0);
  expect(r.stdout + r.stderr).toMatch(/no_such_setting/);
});
