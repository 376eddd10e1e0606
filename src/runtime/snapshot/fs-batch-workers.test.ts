import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { lstat, mkdtemp, readFile, readdir, readlink, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { startModuleWorker } from "../../common/module-worker.ts";
import { createFsWorkers } from "./fs-batch-workers.ts";

const workers = createFsWorkers({ size: 2 });
afterAll(() => workers.close());

const me = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
const openFds = async () => (await readdir("/proc/self/fd")).length;

describe("fs-batch workers", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "tstack-fsb-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("performs a layer's ops in order, a file's bytes spread over several batches", async () => {
    const s = workers.stream();
    const big = Buffer.alloc(3 * (1 << 20) + 123);
    for (let i = 0; i + 4 <= big.length; i += 4) big.writeUInt32LE(i, i);
    await s.op({ k: "mkdir", path: join(dir, "d"), mkdirMode: 0o700 }, "d/");
    await s.op({ k: "own", path: join(dir, "d"), ...me, mode: 0o2751 }, "d/");
    await s.op({ k: "open", path: join(dir, "d/f") }, "d/f");
    // The caller's buffer is reused between writes, as a stream's would be: the worker must get copies.
    const reused = Buffer.alloc(64 * 1024);
    for (let off = 0; off < big.length; off += reused.length) {
      const n = big.copy(reused, 0, off, off + reused.length);
      await s.write(reused.subarray(0, n), "d/f");
      reused.fill(0xaa);
    }
    await s.op({ k: "close", ...me, mode: 0o4755, atime: 1_000, mtime: 2_000 }, "d/f");
    await s.op({ k: "symlink", path: join(dir, "d/l"), target: "f", ...me, atime: 3_000, mtime: 4_000 }, "d/l");
    await s.op({ k: "link", path: join(dir, "h"), target: join(dir, "d/f") }, "h");
    await s.op({ k: "utimes", path: join(dir, "d"), atime: 5_000, mtime: 6_000 }, "d/");
    await s.barrier();
    await s.end();

    expect((await readFile(join(dir, "d/f"))).equals(big)).toBe(true);
    const f = await stat(join(dir, "d/f"));
    expect(f.mode & 0o7777).toBe(0o4755);
    expect(f.mtimeMs).toBe(2_000_000);
    expect(f.nlink).toBe(2);
    expect(await readlink(join(dir, "d/l"))).toBe("f");
    expect((await lstat(join(dir, "d/l"))).mtimeMs).toBe(4_000_000);
    const d = await stat(join(dir, "d"));
    expect(d.mode & 0o7777).toBe(0o2751);
    expect(d.mtimeMs).toBe(6_000_000);
  });

  it("a failed op fails the stream, naming its tar entry; later ops are not done", async () => {
    const s = workers.stream();
    await s.op({ k: "mkdir", path: join(dir, "a"), mkdirMode: 0o755 }, "a/");
    await s.op({ k: "mkdir", path: join(dir, "a"), mkdirMode: 0o755 }, "a/again/");
    await s.op({ k: "mkdir", path: join(dir, "b"), mkdirMode: 0o755 }, "b/");
    const err = await s.barrier().then(
      () => undefined,
      (e: unknown) => e as Error & { kind: string },
    );
    expect(err?.kind).toBe("Internal");
    expect(err?.message).toMatch(/^unpacking tar entry "a\/again\/": Error: EEXIST/);
    expect(() => s.op({ k: "mkdir", path: join(dir, "c"), mkdirMode: 0o755 }, "c/")).toThrow(/a\/again/);
    await s.end();
    expect((await readdir(dir)).sort()).toEqual(["a"]);

    // Another layer's stream, on the same workers, is not affected.
    const other = workers.stream();
    await other.op({ k: "mkdir", path: join(dir, "z"), mkdirMode: 0o755 }, "z/");
    await other.barrier();
    await other.end();
    expect((await readdir(dir)).sort()).toEqual(["a", "z"]);
  });

  it("end() waits for the queued ops and closes a file left open (an aborted unpack)", async () => {
    const before = await openFds();
    const s = workers.stream();
    await s.op({ k: "open", path: join(dir, "partial") }, "partial");
    await s.write(Buffer.alloc(5000, 1), "partial");
    await s.end();
    await s.end();
    expect((await stat(join(dir, "partial"))).size).toBe(5000);
    expect(await openFds()).toBe(before);
  });

  it("a worker that dies fails its streams instead of leaving them waiting", async () => {
    const dying = createFsWorkers({ size: 1, startWorker: () => new Worker("setTimeout(() => process.exit(3), 50)", { eval: true }) });
    const s = dying.stream();
    await s.op({ k: "mkdir", path: join(dir, "x"), mkdirMode: 0o755 }, "x/");
    await expect(s.barrier()).rejects.toThrow(/fs worker stopped: exit code 3/);
    await s.end();
    await dying.close();
  });

  it("stops a worker left idle, and starts one again for the next layer", async () => {
    const started: Worker[] = [];
    const idle = createFsWorkers({
      size: 1,
      idleMs: 50,
      startWorker: () => {
        const w = startModuleWorker(new URL("./fs-batch-workers.ts", import.meta.url).href, "fs-batch-worker");
        started.push(w);
        return w;
      },
    });
    const layer = async (name: string) => {
      const s = idle.stream();
      await s.op({ k: "mkdir", path: join(dir, name), mkdirMode: 0o755 }, `${name}/`);
      await s.barrier();
      await s.end();
    };
    await layer("one");
    await layer("two");
    expect(started).toHaveLength(1);
    const exited = new Promise((resolve) => started[0]!.once("exit", resolve));
    await exited;
    await layer("three");
    expect(started).toHaveLength(2);
    expect((await readdir(dir)).sort()).toEqual(["one", "three", "two"]);
    await idle.close();
  });
});
