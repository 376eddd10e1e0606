// Test-only helpers for the root-only snapshot tests: temp dirs and tree listings.
import { lstat, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A temp dir under /tmp, removed by `await using`. */
export async function tempDir(prefix: string): Promise<{ path: string } & AsyncDisposable> {
  const path = await mkdtemp(join(tmpdir(), `${prefix}-`));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Every path under `root` with type, mode, size, link count and (for non-directories) mtime:
 * equal listings mean nothing changed. Directory mtimes are left out because creating and
 * removing a temp dir beside a target legitimately bumps its parent's.
 */
export async function listTree(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const p = join(dir, name);
      const st = await lstat(p);
      out.push(`${p} ${st.mode.toString(8)} ${st.size} ${st.isDirectory() ? "-" : st.mtimeMs} ${st.nlink} ${st.uid}:${st.gid}`);
      if (st.isDirectory()) await walk(p);
    }
  };
  await walk(root);
  return out;
}
