import { describe, expect, it } from "vitest";
import type { ByteSink } from "./http1/byte-sink.ts";
import { pushedChunks } from "./pushed-chunks.ts";

// A producer that pushes `count` pieces of `size` bytes through one reused buffer, honouring pauses.
function producer(count: number, size: number, log: string[] = []) {
  return async (sink: ByteSink) => {
    const buf = Buffer.alloc(size);
    for (let i = 0; i < count; i++) {
      buf.fill(i % 256);
      const more = sink.write(buf);
      buf.fill(0xff); // reused: a consumer that did not copy would see this
      if (!more) {
        log.push(`pause@${i}`);
        await sink.drained();
      }
      await new Promise((r) => setImmediate(r));
    }
  };
}

describe("pushedChunks", () => {
  it("gives the pushed bytes as kept copies, in order", async () => {
    const got: Buffer[] = [];
    for await (const c of pushedChunks(producer(5, 3))) got.push(Buffer.from(c));
    expect(Buffer.concat(got).toString("hex")).toBe("000000010101020202030303040404");
  });

  it("pauses the producer while a slow reader has a MiB waiting", async () => {
    const log: string[] = [];
    let total = 0;
    for await (const c of pushedChunks(producer(40, 64 * 1024, log))) {
      total += c.byteLength;
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(total).toBe(40 * 64 * 1024);
    expect(log.length).toBeGreaterThan(0);
  });

  it("passes the producer's error to the reader", async () => {
    const chunks = pushedChunks(async (sink) => {
      sink.write(Buffer.from("a"));
      throw new Error("connection reset");
    });
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const c of chunks) got.push(Buffer.from(c).toString());
      })(),
    ).rejects.toThrow(/connection reset/);
    expect(got).toEqual(["a"]);
  });

  it("a reader that stops early makes the producer's next write throw", async () => {
    let failure: unknown;
    const chunks = pushedChunks(async (sink) => {
      try {
        for (let i = 0; i < 100; i++) {
          sink.write(Buffer.from("x"));
          await new Promise((r) => setImmediate(r));
        }
      } catch (err) {
        failure = err;
        throw err;
      }
    });
    for await (const _ of chunks) break;
    await new Promise((r) => setTimeout(r, 10));
    expect(String(failure)).toMatch(/stopped reading/);
  });
});
