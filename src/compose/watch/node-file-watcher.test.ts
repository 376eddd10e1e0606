import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FileChange } from "./batcher.ts";
import type { WatchHandle } from "./file-watcher.ts";
import { nodeFileWatcher } from "./node-file-watcher.ts";

// Real inotify on a temporary tree: each check waits for the change it expects (or fails after 5 s).
let dir: string;
let handle: WatchHandle | undefined;
let changes: FileChange[];
let waiters: { match: (c: FileChange) => boolean; resolve: () => void }[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "tstack-watch-"));
  changes = [];
  waiters = [];
});
afterEach(async () => {
  await handle?.close();
  await rm(dir, { recursive: true, force: true });
});

async function start(roots: readonly string[], watchesDir: (d: string) => boolean = (d) => !d.endsWith("node_modules")) {
  const watchedDirs: string[] = [];
  handle = await nodeFileWatcher().watch({
    roots,
    watchesDir: (d) => (watchedDirs.push(d), watchesDir(d)),
    onChange: (c) => {
      changes.push(c);
      waiters = waiters.filter((w) => (w.match(c) ? (w.resolve(), false) : true));
    },
    onError: (err) => {
      throw err;
    },
  });
  return watchedDirs;
}

function seen(path: string, kind: FileChange["kind"] = "write"): Promise<void> {
  if (changes.some((c) => c.path === path && c.kind === kind)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${kind} of ${path}; saw ${JSON.stringify(changes)}`)), 5_000);
    waiters.push({ match: (c) => c.path === path && c.kind === kind, resolve: () => (clearTimeout(t), resolve()) });
  });
}

describe("nodeFileWatcher", () => {
  it("reports writes and removals below a root, and never reads an unwatched directory", async () => {
    await mkdir(join(dir, "src/deep"), { recursive: true });
    await mkdir(join(dir, "node_modules/pkg"), { recursive: true });
    const asked = await start([dir]);
    expect(asked).toContain(join(dir, "node_modules"));
    expect(asked).not.toContain(join(dir, "node_modules/pkg"));
    await writeFile(join(dir, "src/deep/a.js"), "1");
    await seen(join(dir, "src/deep/a.js"));
    await rm(join(dir, "src/deep/a.js"));
    await seen(join(dir, "src/deep/a.js"), "remove");
    await writeFile(join(dir, "node_modules/pkg/x.js"), "x");
    await writeFile(join(dir, "src/after.js"), "2");
    await seen(join(dir, "src/after.js"));
    expect(changes.some((c) => c.path.includes("/pkg/"))).toBe(false);
  });

  it("reports a directory that appears once, as written with what it holds, and watches it", async () => {
    await start([dir]);
    const staged = join(tmpdir(), `tstack-staged-${process.pid}`);
    await mkdir(join(staged, "inner"), { recursive: true });
    await writeFile(join(staged, "inner/a.js"), "a");
    await rename(staged, join(dir, "moved"));
    await seen(join(dir, "moved"));
    expect(changes.find((c) => c.path === join(dir, "moved"))).toEqual({ path: join(dir, "moved"), kind: "write", isDir: true });
    await writeFile(join(dir, "moved/inner/b.js"), "b");
    await seen(join(dir, "moved/inner/b.js"));
    await rm(join(dir, "moved"), { recursive: true });
    await seen(join(dir, "moved"), "remove");
    expect(changes.at(-1)).toEqual({ path: join(dir, "moved"), kind: "remove", isDir: true });
  });

  it("follows a root that is a symlink to a directory, reporting paths under the link", async () => {
    await mkdir(join(dir, "real/sub"), { recursive: true });
    await symlink(join(dir, "real"), join(dir, "link"));
    await start([join(dir, "link")]);
    await writeFile(join(dir, "real/sub/x.js"), "x");
    await seen(join(dir, "link/sub/x.js"));
  });

  it("follows a single-file root through an editor's rename-over save", async () => {
    const file = join(dir, "package.json");
    await writeFile(file, "{}");
    await writeFile(join(dir, "other.txt"), "x");
    await start([file]);
    await writeFile(`${file}.tmp`, '{"a":1}');
    await rename(`${file}.tmp`, file);
    await seen(file);
    await writeFile(file, '{"a":2}');
    await writeFile(join(dir, "other.txt"), "y");
    await seen(file);
    expect(changes.every((c) => c.path === file)).toBe(true);
  });
});
