import { describe, it, expect } from "vitest";
import { resolvePackageClosure } from "./closure.ts";
import type { DebianPackage, PackageSource } from "./debian-packages.ts";
import { isKind } from "../../src/common/errors.ts";

const L = "/usr/lib/x86_64-linux-gnu";
const pkg = (name: string, files: string[], needed: Record<string, string[]>, depends: string[][]): DebianPackage => ({
  name,
  version: "1",
  deb: `/debs/${name}.deb`,
  root: `/unpacked/${name}`,
  tree: { files, objects: Object.entries(needed).map(([path, n]) => ({ path, needed: n, runpath: [], interpreter: undefined })) },
  depends,
});

function fakeSource(pkgs: DebianPackage[]): PackageSource & { asked: string[][] } {
  const asked: string[][] = [];
  return {
    asked,
    async get(names) {
      asked.push([...names]);
      return names.flatMap((n) => pkgs.filter((p) => p.name === n));
    },
  };
}

describe("resolvePackageClosure", () => {
  const universe = [
    pkg("redis-tools", ["/usr/bin/redis-cli"], { "/usr/bin/redis-cli": ["libssl.so.3", "libc.so.6"] }, [["adduser"], ["libssl3"], ["libc6"]]),
    pkg("adduser", ["/usr/sbin/adduser"], {}, [["passwd"]]),
    pkg("libssl3", [`${L}/libssl.so.3`], { [`${L}/libssl.so.3`]: ["libc.so.6", "libcrypto-extra.so.1"] }, [["libc6"], ["debconf", "debconf-2.0"], ["libextra"]]),
    pkg("libc6", ["/lib/x86_64-linux-gnu/libc.so.6"], {}, [["libgcc-s1"]]),
    pkg("libextra", [`${L}/libcrypto-extra.so.1`], {}, []),
    pkg("debconf", ["/usr/bin/debconf"], {}, []),
  ];

  it("adds exactly the dependencies that supply loaded libraries, transitively", async () => {
    const got = await resolvePackageClosure(fakeSource(universe), ["redis-tools"]);
    expect(got.map((p) => p.name)).toEqual(["redis-tools", "libc6", "libssl3", "libextra"]);
  });

  it("fails naming the library nothing supplies", async () => {
    const broken = universe.filter((p) => p.name !== "libextra");
    const err = await resolvePackageClosure(fakeSource(broken), ["redis-tools"]).catch((e: unknown) => e);
    expect(isKind(err, "FailedPrecondition")).toBe(true);
    expect(String(err)).toMatch(/libcrypto-extra\.so\.1 \(needed by \/usr\/lib\/x86_64-linux-gnu\/libssl\.so\.3\)/);
  });

  it("fails when a requested package is not offered", async () => {
    await expect(resolvePackageClosure(fakeSource(universe), ["redis-tools", "nope"])).rejects.toThrow(/no apt source offers nope/);
  });
});
