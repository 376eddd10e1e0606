import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBufferPool } from "../../common/buffer-pool.ts";
import { openBlobFileWriter } from "./blob-file-writer.ts";
import { sha256Digest } from "./digest.ts";

describe("blob file writer", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "tstack-bfw-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  // 3.5 MiB of distinct bytes, delivered through one 48 KiB buffer that is overwritten after
  // each call, the way a socket's reused read buffer is.
  function content() {
    const all = Buffer.alloc(3.5 * (1 << 20));
    for (let i = 0; i < all.length; i += 4) all.writeUInt32LE(i, i);
    return all;
  }

  it("copies what it is given: the file holds every byte though the caller reuses its buffer", async () => {
    const all = content();
    const pool = createBufferPool(1 << 20, 4);
    const progress: number[] = [];
    const w = await openBlobFileWriter(join(dir, "blob"), { pool, what: "blob x", onProgress: (n) => progress.push(n) });
    const reused = Buffer.alloc(48 * 1024);
    for (let off = 0; off < all.length; off += reused.length) {
      const n = all.copy(reused, 0, off, off + reused.length);
      if (!w.write(reused.subarray(0, n))) await w.drained();
      reused.fill(0xee);
    }
    const result = await w.finish();
    await w.close();
    expect(result).toEqual({ digest: sha256Digest(all), size: all.length });
    expect((await readFile(join(dir, "blob"))).equals(all)).toBe(true);
    expect(progress.at(-1)).toBe(all.length);
    // Every buffer it took is back in the pool for the next blob.
    expect(pool.idle).toBeGreaterThan(0);
    const again = await openBlobFileWriter(join(dir, "blob2"), { pool, what: "blob y" });
    const before = pool.idle;
    again.write(Buffer.from("x"));
    expect(pool.idle).toBe(before - 1);
    await again.close();
    expect(pool.idle).toBe(before);
  });

  it("asks the producer to pause while writes queue up, and lets it go on once they are done", async () => {
    const pool = createBufferPool(1 << 20, 8);
    const w = await openBlobFileWriter(join(dir, "blob"), { pool, what: "blob x" });
    const mib = Buffer.alloc(1 << 20, 7);
    const answers: boolean[] = [];
    for (let i = 0; i < 6; i++) answers.push(w.write(mib));
    expect(answers.slice(0, 2)).toEqual([true, true]);
    expect(answers.at(-1)).toBe(false);
    await w.drained();
    expect(w.write(Buffer.from("x"))).toBe(true);
    expect((await w.finish()).size).toBe((6 << 20) + 1);
    await w.close();
  });

  it("refuses more bytes than the expected size at once", async () => {
    const w = await openBlobFileWriter(join(dir, "blob"), { pool: createBufferPool(1024, 2), maxSize: 4, what: "blob sha256:ab" });
    w.write(Buffer.from("abc"));
    expect(() => w.write(Buffer.from("de"))).toThrow(/blob sha256:ab: received more than the expected 4 bytes/);
    await w.close();
  });

  it("a failed write fails the next write or the finish, and close still gives the buffers back", async () => {
    const pool = createBufferPool(1024, 4);
    const w = await openBlobFileWriter("/dev/full", { pool, what: "blob x" });
    const kib = Buffer.alloc(1024, 1);
    w.write(kib); // fills one buffer: its write to /dev/full fails (ENOSPC)
    await w.drained();
    await new Promise((r) => setTimeout(r, 20));
    expect(() => w.write(kib)).toThrow(/ENOSPC/);
    await expect(w.finish()).rejects.toThrow(/ENOSPC/);
    await w.close();
    await w.close();
    expect(pool.idle).toBe(1);
  });
});
