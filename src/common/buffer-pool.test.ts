import { describe, expect, it } from "vitest";
import { createBufferPool } from "./buffer-pool.ts";

describe("buffer pool", () => {
  it("hands a given-back buffer out again", () => {
    const pool = createBufferPool(1024, 2);
    const a = pool.take();
    expect(a.byteLength).toBe(1024);
    pool.give(a);
    expect(pool.idle).toBe(1);
    expect(pool.take()).toBe(a);
    expect(pool.idle).toBe(0);
    expect(pool.allocations).toBe(1);
  });

  it("keeps at most `keep` buffers, never one twice, and none of another size", () => {
    const pool = createBufferPool(16, 2);
    const [a, b, c] = [pool.take(), pool.take(), pool.take()];
    pool.give(a);
    pool.give(a);
    pool.give(Buffer.alloc(8));
    expect(pool.idle).toBe(1);
    pool.give(b);
    pool.give(c);
    expect(pool.idle).toBe(2);
    const taken = new Set([pool.take(), pool.take(), pool.take()]);
    expect(taken.size).toBe(3);
    expect(pool.allocations).toBe(4);
  });

  it("lets the kept buffers go after a quiet spell, when asked to", async () => {
    const pool = createBufferPool(64, 4, { releaseAfterMs: 30 });
    const a = pool.take();
    pool.give(a);
    await new Promise((r) => setTimeout(r, 10));
    pool.give(pool.take()); // activity pushes the release back
    await new Promise((r) => setTimeout(r, 25));
    expect(pool.idle).toBe(1);
    await new Promise((r) => setTimeout(r, 40));
    expect(pool.idle).toBe(0);
    expect(pool.take()).not.toBe(a);
    expect(pool.allocations).toBe(2);
  });
});
