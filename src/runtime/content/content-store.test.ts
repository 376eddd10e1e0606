import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createContentStore, type ContentStore, type PushSource } from "./content-store.ts";
import { sha256Digest } from "./digest.ts";

async function* chunks(parts: readonly string[], delayMs = 0): AsyncIterable<Uint8Array> {
  for (const p of parts) {
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    yield Buffer.from(p);
  }
}

describe("content store", () => {
  let root: string;
  let store: ContentStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "tstack-cs-"));
    store = await createContentStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("stores a verified blob under its digest", async () => {
    const d = sha256Digest("hello world");
    const info = await store.ingest(d, () => chunks(["hello ", "world"]), { size: 11 });
    expect(info).toEqual({ digest: d, size: 11 });
    expect((await store.readBytes(d)).toString()).toBe("hello world");
    expect(await store.list()).toEqual([{ digest: d, size: 11 }]);
  });

  it("rejects a digest mismatch and leaves nothing visible", async () => {
    const d = sha256Digest("expected");
    await expect(store.ingest(d, () => chunks(["something else"]))).rejects.toThrow(/digest mismatch/);
    expect(await store.has(d)).toBe(false);
    expect(await readdir(join(root, "ingest"))).toEqual([]);
  });

  it("rejects a short read and an oversized body", async () => {
    const d = sha256Digest("abcdef");
    await expect(store.ingest(d, () => chunks(["abc"]), { size: 6 })).rejects.toThrow(/short read/);
    await expect(store.ingest(d, () => chunks(["abcdefgh"]), { size: 6 })).rejects.toThrow(/more than/);
    expect(await store.has(d)).toBe(false);
    expect(await readdir(join(root, "ingest"))).toEqual([]);
  });

  it("a source that fails mid-stream leaves nothing behind", async () => {
    const d = sha256Digest("abcdef");
    async function* broken(): AsyncIterable<Uint8Array> {
      yield Buffer.from("abc");
      throw new Error("connection reset");
    }
    await expect(store.ingest(d, () => broken(), { size: 6 })).rejects.toThrow(/connection reset/);
    expect(await store.has(d)).toBe(false);
    expect(await readdir(join(root, "ingest"))).toEqual([]);
  });

  // `count` chunks of `size` bytes of distinct content, one per event-loop turn (as a socket gives).
  function pattern(count: number, size: number) {
    const parts = Array.from({ length: count }, (_, i) => Buffer.alloc(size, i % 251));
    const all = Buffer.concat(parts);
    async function* source(): AsyncIterable<Uint8Array> {
      for (const p of parts) {
        await new Promise((r) => setImmediate(r));
        yield p;
      }
    }
    return { all, digest: sha256Digest(all), source };
  }

  it("keeps bytes in order across many batched writes (one write in flight while receiving)", async () => {
    // 5 MiB in 48 KiB chunks: several 1 MiB batches, written while more arrive.
    const { all, digest, source } = pattern(110, 48 * 1024);
    const progress: number[] = [];
    await store.ingest(digest, source, { size: all.length, onProgress: (p) => progress.push(p.current) });
    expect((await store.readBytes(digest)).equals(all)).toBe(true);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.at(-1)).toBe(all.length);
    expect(await readdir(join(root, "ingest"))).toEqual([]);
  });

  it("keeps bytes in order while early writeback syncs run beside the writes (20 MiB)", async () => {
    const { all, digest, source } = pattern(320, 64 * 1024);
    await store.ingest(digest, source, { size: all.length });
    expect((await store.readBytes(digest)).equals(all)).toBe(true);
    expect(await readdir(join(root, "ingest"))).toEqual([]);
  });

  it("a source that fails after several batches leaves nothing behind", async () => {
    const d = sha256Digest("never complete");
    async function* source(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < 40; i++) yield Buffer.alloc(64 * 1024, i);
      throw new Error("connection reset");
    }
    await expect(store.ingest(d, source)).rejects.toThrow("connection reset");
    expect(await store.has(d)).toBe(false);
    expect(await readdir(join(root, "ingest"))).toEqual([]);
  });

  it("concurrent ingests of one digest download once", async () => {
    const d = sha256Digest("shared");
    let opens = 0;
    const open = () => {
      opens++;
      return chunks(["sha", "red"], 5);
    };
    const [a, b] = await Promise.all([store.ingest(d, open), store.ingest(d, open)]);
    expect(a).toEqual(b);
    expect(opens).toBe(1);
    // Present already: no download at all.
    await store.ingest(d, open);
    expect(opens).toBe(1);
  });

  it("writeBytes computes the digest and refuses a wrong expected one", async () => {
    const info = await store.writeBytes(Buffer.from("{}"));
    expect(info.digest).toBe(sha256Digest("{}"));
    await expect(store.writeBytes(Buffer.from("x"), sha256Digest("y"))).rejects.toThrow(/mismatch/);
  });

  it("cleanIngests removes what a crashed writer left", async () => {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(root, "ingest", "deadbeef.partial"), "half");
    await store.cleanIngests();
    expect(await readdir(join(root, "ingest"))).toEqual([]);
  });

  it("takes a pushing source's bytes from its reused buffer, pausing it while writes queue up", async () => {
    const { all, digest } = pattern(100, 64 * 1024);
    let pauses = 0;
    const source: PushSource = {
      async pushInto(sink) {
        const reused = Buffer.alloc(64 * 1024);
        for (let off = 0; off < all.length; off += reused.length) {
          all.copy(reused, 0, off, off + reused.length);
          const more = sink.write(reused);
          reused.fill(0); // the store must have copied what it keeps
          if (!more) {
            pauses++;
            await sink.drained();
          }
        }
      },
    };
    await store.ingest(digest, () => source, { size: all.length });
    expect((await store.readBytes(digest)).equals(all)).toBe(true);
    expect(pauses).toBeGreaterThan(0);
    expect(await readdir(join(root, "ingest"))).toEqual([]);
  });

  it("an aborted ingest of a pushing source stops it and leaves nothing behind", async () => {
    const { all, digest } = pattern(8, 1024);
    const ac = new AbortController();
    const source: PushSource = {
      async pushInto(sink) {
        sink.write(all.subarray(0, 1024));
        ac.abort(new Error("cancelled by the caller"));
        sink.write(all.subarray(1024, 2048));
      },
    };
    await expect(store.ingest(digest, () => source, { size: all.length, signal: ac.signal })).rejects.toThrow(/cancelled by the caller/);
    expect(await store.has(digest)).toBe(false);
    expect(await readdir(join(root, "ingest"))).toEqual([]);
  });
});
