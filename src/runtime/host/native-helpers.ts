import { execFile } from "node:child_process";
import { access } from "node:fs/promises";
import { dirname } from "node:path";
import { promisify } from "node:util";
import { failedPrecondition } from "../../common/errors.ts";
import { findBinary } from "./find-binary.ts";

// tstack-shim and tstack-spawn are C programs built from native/ (`make -C native`). A checkout's
// setup builds them; an installed npm package ships their sources, and npm may not run install
// scripts, so the engine builds them at its first start. Without a C compiler that is one clear
// error naming what to install, before anything is created.

export interface NativeHelperDeps {
  readonly exists: (path: string) => Promise<boolean>;
  /** Where `name` is found, or a rejection when it is not (see findBinary). */
  readonly find: (name: string) => Promise<string>;
  readonly run: (file: string, args: readonly string[]) => Promise<void>;
}

export const nodeNativeHelperDeps: NativeHelperDeps = {
  exists: (p) => access(p).then(() => true, () => false),
  find: (name) => findBinary(name),
  run: async (file, args) => {
    await promisify(execFile)(file, [...args], { maxBuffer: 4 << 20 });
  },
};

const COMPILER_HINT = "install a C compiler and make (Debian/Ubuntu: apt-get install gcc make libc6-dev)";

/** Builds the missing ones of `binaries` (all in <package>/native/build/) with make; a no-op when all exist. */
export async function ensureNativeHelpers(binaries: readonly string[], deps: NativeHelperDeps = nodeNativeHelperDeps): Promise<void> {
  const missing = [];
  for (const b of binaries) if (!(await deps.exists(b))) missing.push(b);
  if (missing.length === 0) return;
  const names = missing.map((b) => b.slice(b.lastIndexOf("/") + 1)).join(" and ");
  const nativeDir = dirname(dirname(missing[0]!));
  const tool = async (name: string) => deps.find(name).catch(() => undefined);
  const make = await tool("make");
  const compiler = (await tool("cc")) ?? (await tool("gcc"));
  if (!make || !compiler) {
    throw failedPrecondition(`${names} not built and cannot be: no ${!compiler ? "C compiler (cc)" : "make"} found; ${COMPILER_HINT}`);
  }
  try {
    await deps.run(make, ["-s", "-C", nativeDir, `CC=${compiler}`]);
  } catch (err) {
    const detail = String((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split("\n").slice(-3).join(" | ");
    throw failedPrecondition(`building ${names} in ${nativeDir} failed: ${detail}`, err);
  }
  for (const b of missing) if (!(await deps.exists(b))) throw failedPrecondition(`make -C ${nativeDir} did not produce ${b}`);
}
