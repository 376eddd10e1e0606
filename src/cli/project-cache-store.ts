import { randomBytes } from "node:crypto";
import { lstatSync, readFileSync, utimesSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The project cache's directory: `$XDG_CACHE_HOME/tstack/projects`, else
 * `$HOME/.cache/tstack/projects`; undefined (no cache) when neither is usable or
 * TSTACK_NO_PROJECT_CACHE is set to anything but "" or "0".
 */
export function projectCacheDirOf(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const off = env["TSTACK_NO_PROJECT_CACHE"];
  if (off !== undefined && off !== "" && off !== "0") return undefined;
  const xdg = env["XDG_CACHE_HOME"];
  // The XDG spec says relative values are to be ignored.
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, "tstack", "projects");
  const home = env["HOME"];
  if (home !== undefined && isAbsolute(home)) return join(home, ".cache", "tstack", "projects");
  return undefined;
}

/**
 * The identity of the running tstack build: the content of dist/.build-stamp, which `npm run
 * build` rewrites on every build. Undefined when running from the TypeScript sources (tsx), where
 * any edit changes the code without changing a stamp: no cache then.
 */
export async function buildIdentityOf(moduleUrl: string): Promise<string | undefined> {
  if (!moduleUrl.startsWith("file:") || !moduleUrl.endsWith(".js")) return undefined;
  try {
    // Chunks sit in dist/cli/, the stamp in dist/.
    const stamp = readFileSync(fileURLToPath(new URL("../.build-stamp", moduleUrl)), "utf8").trim();
    return stamp === "" ? undefined : stamp;
  } catch {
    return undefined;
  }
}

/**
 * One JSON file per key in a private directory. Reads answer undefined for anything doubtful;
 * writes are atomic (temp file, rename) and never throw: a cache must not fail a command.
 */
export interface EntryStore {
  read(key: string): Promise<unknown>;
  write(key: string, entry: unknown): Promise<void>;
}

export interface EntryStoreOptions {
  readonly dir: string;
  /** Entries kept; the least recently used beyond it are removed after a write. */
  readonly maxEntries: number;
  /** The user the entries must belong to (process.getuid()); undefined skips the check. */
  readonly uid: number | undefined;
  readonly now: () => number;
}

export function fileEntryStore(opts: EntryStoreOptions): EntryStore {
  const pathOf = (key: string) => join(opts.dir, `${key}.json`);
  return {
    async read(key) {
      const path = pathOf(key);
      try {
        // An entry decides what containers run: only trust one this user wrote and nobody else could change.
        // Synchronous: the command waits for nothing else, and the thread pool's round trips cost more.
        const st = lstatSync(path, { throwIfNoEntry: false });
        if (st === undefined || !st.isFile() || (opts.uid !== undefined && st.uid !== opts.uid) || (st.mode & 0o022) !== 0) return undefined;
        const entry = JSON.parse(readFileSync(path, "utf8")) as unknown;
        // Recently used entries are the last to be pruned.
        const t = new Date(opts.now());
        try {
          utimesSync(path, t, t);
        } catch {
          // Only pruning order depends on it.
        }
        return entry;
      } catch {
        return undefined;
      }
    },
    async write(key, entry) {
      // node:fs/promises costs ~3 ms to load; a cache hit never writes, so it never pays that.
      const { chmod, mkdir, rename, unlink, writeFile } = await import("node:fs/promises");
      const tmp = join(opts.dir, `.${key}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
      try {
        await mkdir(opts.dir, { recursive: true, mode: 0o700 });
        await chmod(opts.dir, 0o700);
        await writeFile(tmp, JSON.stringify(entry), { mode: 0o600, flag: "wx" });
        await rename(tmp, pathOf(key));
        await prune(opts.dir, opts.maxEntries);
      } catch {
        await unlink(tmp).catch(() => undefined);
      }
    },
  };
}

async function prune(dir: string, maxEntries: number): Promise<void> {
  const { readdir, stat, unlink } = await import("node:fs/promises");
  const names = (await readdir(dir)).filter((n) => n.endsWith(".json"));
  if (names.length <= maxEntries) return;
  const dated = await Promise.all(
    names.map(async (n) => ({ path: join(dir, n), mtime: await stat(join(dir, n)).then((s) => s.mtimeMs, () => 0) })),
  );
  dated.sort((a, b) => a.mtime - b.mtime);
  await Promise.all(dated.slice(0, dated.length - maxEntries).map((e) => unlink(e.path).catch(() => undefined)));
}
