import { describe, expect, it } from "vitest";
import { ensureNativeHelpers, type NativeHelperDeps } from "./native-helpers.ts";

const SHIM = "/pkg/native/build/tstack-shim";
const SPAWN = "/pkg/native/build/tstack-spawn";

function host(o: { present?: string[]; tools?: string[]; builds?: boolean; fails?: string }) {
  const files = new Set(o.present ?? []);
  const runs: string[][] = [];
  const deps: NativeHelperDeps = {
    exists: async (p) => files.has(p),
    find: async (n) => {
      if (!(o.tools ?? []).includes(n)) throw new Error(`${n} not found`);
      return `/usr/bin/${n}`;
    },
    run: async (file, args) => {
      runs.push([file, ...args]);
      if (o.fails) throw Object.assign(new Error("make failed"), { stderr: o.fails });
      if (o.builds !== false) [SHIM, SPAWN].forEach((b) => files.add(b));
    },
  };
  return { deps, runs };
}

describe("ensureNativeHelpers", () => {
  it("does nothing when both are built", async () => {
    const h = host({ present: [SHIM, SPAWN] });
    await ensureNativeHelpers([SHIM, SPAWN], h.deps);
    expect(h.runs).toEqual([]);
  });

  it("builds the missing ones with make in the package's native/ directory", async () => {
    const h = host({ present: [SHIM], tools: ["make", "cc"] });
    await ensureNativeHelpers([SHIM, SPAWN], h.deps);
    expect(h.runs).toEqual([["/usr/bin/make", "-s", "-C", "/pkg/native", "CC=/usr/bin/cc"]]);
  });

  it("falls back to gcc when cc is absent", async () => {
    const h = host({ tools: ["make", "gcc"] });
    await ensureNativeHelpers([SHIM, SPAWN], h.deps);
    expect(h.runs[0]).toContain("CC=/usr/bin/gcc");
  });

  it("names the missing compiler and what to install, in one line", async () => {
    const h = host({ tools: ["make"] });
    const err = await ensureNativeHelpers([SHIM, SPAWN], h.deps).catch((e: Error) => e);
    expect(String((err as Error).message)).toBe(
      "tstack-shim and tstack-spawn not built and cannot be: no C compiler (cc) found; install a C compiler and make (Debian/Ubuntu: apt-get install gcc make libc6-dev)",
    );
    expect(h.runs).toEqual([]);
  });

  it("names make when only make is missing", async () => {
    const h = host({ tools: ["cc"] });
    await expect(ensureNativeHelpers([SPAWN], h.deps)).rejects.toThrow(/tstack-spawn not built and cannot be: no make found/);
  });

  it("reports the compiler's last lines when the build fails", async () => {
    const h = host({ tools: ["make", "cc"], fails: "a\nb\nmain.c:1: error: boom\n" });
    await expect(ensureNativeHelpers([SHIM], h.deps)).rejects.toThrow("building tstack-shim in /pkg/native failed: a | b | main.c:1: error: boom");
  });

  it("fails when make succeeds without producing the binary", async () => {
    const h = host({ tools: ["make", "cc"], builds: false });
    await expect(ensureNativeHelpers([SHIM], h.deps)).rejects.toThrow(`did not produce ${SHIM}`);
  });
});
