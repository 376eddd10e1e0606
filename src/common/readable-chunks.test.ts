import { describe, expect, it } from "vitest";
import { PassThrough, Readable } from "node:stream";
import { readableChunks } from "./readable-chunks.ts";

describe("readableChunks", () => {
  it("gives each chunk as the stream emitted it, never joined, however far the reader is behind", async () => {
    const parts = Array.from({ length: 20 }, (_, i) => Buffer.alloc(1000, i));
    const got: Buffer[] = [];
    for await (const c of readableChunks(Readable.from(parts, { objectMode: false }), 1 << 20)) {
      await new Promise((r) => setTimeout(r, 1)); // slower than the stream
      got.push(c);
    }
    expect(got.map((c) => c.length)).toEqual(parts.map((p) => p.length));
    expect(got.map((c) => c[0])).toEqual(parts.map((_, i) => i));
  });

  it("pauses the stream when `highWater` bytes wait, and resumes it", async () => {
    const s = new PassThrough();
    const it = readableChunks(s, 3000)[Symbol.asyncIterator]();
    const first = it.next();
    for (let i = 0; i < 4; i++) s.write(Buffer.alloc(1000, i));
    expect((await first).value?.[0]).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(s.isPaused()).toBe(true);
    await it.next();
    await it.next();
    expect(s.isPaused()).toBe(false);
    s.end();
    expect((await it.next()).value?.[0]).toBe(3);
    expect((await it.next()).done).toBe(true);
  });

  it("throws the stream's error, and a close without an end", async () => {
    const failing = new PassThrough();
    const read = (async () => {
      for await (const _ of readableChunks(failing, 1 << 20)) void _;
    })();
    failing.write("x");
    failing.destroy(new Error("inflate failed"));
    await expect(read).rejects.toThrow(/inflate failed/);

    const cut = new PassThrough();
    const read2 = (async () => {
      for await (const _ of readableChunks(cut, 1 << 20)) void _;
    })();
    cut.destroy();
    await expect(read2).rejects.toThrow(/Premature close/);
  });

  it("destroys the stream when the reader stops early", async () => {
    const s = new PassThrough();
    s.write("a");
    s.write("b");
    for await (const _ of readableChunks(s, 1 << 20)) break;
    expect(s.destroyed).toBe(true);
  });
});
