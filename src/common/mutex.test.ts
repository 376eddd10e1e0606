import { describe, it, expect } from "vitest";
import { Mutex, mapLimit } from "./mutex.ts";

describe("Mutex", () => {
  it("runs sections one at a time in call order", async () => {
    const m = new Mutex();
    const log: string[] = [];
    const section = (name: string, ms: number) =>
      m.run(async () => {
        log.push(`${name}<`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`>${name}`);
      });
    await Promise.all([section("a", 15), section("b", 1), section("c", 5)]);
    expect(log).toEqual(["a<", ">a", "b<", ">b", "c<", ">c"]);
  });

  it("releases after a failure", async () => {
    const m = new Mutex();
    await expect(m.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await m.run(async () => 42)).toBe(42);
  });
});

describe("mapLimit", () => {
  it("keeps order and never exceeds the limit", async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([30, 10, 20, 5, 1], 2, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return i;
    });
    expect(out).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it("rejects with the first error", async () => {
    await expect(mapLimit([1, 2, 3], 2, async (x) => { if (x === 2) throw new Error("two"); return x; })).rejects.toThrow("two");
  });
});
