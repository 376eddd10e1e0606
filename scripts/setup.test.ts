import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";

// scripts/setup.sh's choices, on a pretend machine: a PATH of stubs, where dpkg-query knows of
// no installed package and `runc` or `dockerd` may be a program of the user's (Docker CE's).
const root = mkdtempSync(join(tmpdir(), "tstack-setup-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function machine(name: string, programs: readonly string[]): string {
  const bin = join(root, name);
  execFileSync("mkdir", ["-p", bin]);
  writeFileSync(join(bin, "dpkg-query"), "#!/bin/sh\nexit 1\n");
  chmodSync(join(bin, "dpkg-query"), 0o755);
  for (const tool of ["grep", "dirname"]) symlinkSync(execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim(), join(bin, tool));
  for (const p of programs) {
    writeFileSync(join(bin, p), "#!/bin/sh\n");
    chmodSync(join(bin, p), 0o755);
  }
  return bin;
}

const wouldInstall = (bin: string, profile: string): string[] => {
  const out = execFileSync("/bin/bash", [join(import.meta.dirname, "setup.sh"), profile], {
    env: { PATH: bin, TSTACK_SETUP_DRY_RUN: "1", TSTACK_SETUP_BIN_DIRS: "" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return out.replace(/^would install:/, "").trim().split(/\s+/);
};

describe("scripts/setup.sh", () => {
  it("installs only what tstack needs to run, unless asked for the example's or the tests' sets", () => {
    const bin = machine("bare", []);
    const run = wouldInstall(bin, "run");
    expect(run).toEqual(expect.arrayContaining(["runc", "containernetworking-plugins", "nftables", "iptables", "iproute2", "tini", "attr", "gcc", "make"]));
    expect(run).not.toContain("docker-registry");
    expect(run).not.toContain("docker.io");
    const example = wouldInstall(bin, "example");
    expect(example).toEqual(expect.arrayContaining(["docker-registry", "skopeo", "busybox-static"]));
    expect(example).not.toContain("docker.io");
    expect(example).not.toContain("vagrant");
    expect(wouldInstall(bin, "test")).toEqual(expect.arrayContaining(["docker.io", "docker-compose", "vagrant", "debootstrap"]));
  });

  it("uses a runc and a dockerd already on the machine (Docker CE) instead of Debian's packages", () => {
    const bin = machine("docker-ce", ["runc", "dockerd"]);
    const test = wouldInstall(bin, "test");
    expect(test).not.toContain("runc");
    expect(test).not.toContain("docker.io");
    expect(test).toContain("docker-compose");
  });

  it("refuses an unknown set", () => {
    expect(() => wouldInstall(machine("x", []), "everything")).toThrow();
  });
});
