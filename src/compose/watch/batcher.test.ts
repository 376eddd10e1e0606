import { describe, expect, it } from "vitest";
import { createBatcher, type FileChange } from "./batcher.ts";
import { FakeTimers } from "./testing.ts";

function setup(quietMs = 100, maxWaitMs = 5_000) {
  const timers = new FakeTimers();
  const batches: (readonly FileChange[])[] = [];
  const b = createBatcher(timers, { quietMs, maxWaitMs }, (batch) => batches.push(batch));
  return { timers, batches, b };
}
const w = (path: string): FileChange => ({ path, kind: "write", isDir: false });
const r = (path: string, isDir = false): FileChange => ({ path, kind: "remove", isDir });

describe("batcher", () => {
  it("hands out a batch once the quiet period passes without changes", () => {
    const { timers, batches, b } = setup();
    b.add(w("/a"));
    timers.advance(99);
    expect(batches).toEqual([]);
    timers.advance(1);
    expect(batches).toEqual([[w("/a")]]);
    expect(b.pending).toBe(0);
  });

  it("coalesces a burst: each change restarts the quiet period", () => {
    const { timers, batches, b } = setup();
    for (let i = 0; i < 10; i++) {
      b.add(w(`/f${i}`));
      timers.advance(60);
    }
    expect(batches).toEqual([]);
    timers.advance(40);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(10);
  });

  it("500 files written at once are one batch, sorted by path", () => {
    const { timers, batches, b } = setup();
    for (let i = 499; i >= 0; i--) b.add(w(`/src/f${String(i).padStart(3, "0")}.js`));
    timers.advance(100);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(500);
    expect(batches[0]?.[0]?.path).toBe("/src/f000.js");
    expect(batches[0]?.[499]?.path).toBe("/src/f499.js");
  });

  it("collapses each path to its last state", () => {
    const { timers, batches, b } = setup();
    b.add(w("/created-then-deleted"));
    b.add(r("/created-then-deleted"));
    b.add(r("/deleted-then-recreated"));
    b.add(w("/deleted-then-recreated"));
    b.add(w("/saved-twice"));
    b.add(w("/saved-twice"));
    // a rename: the old name goes, the new one is written
    b.add(r("/old-name"));
    b.add(w("/new-name"));
    timers.advance(100);
    expect(batches).toEqual([[r("/created-then-deleted"), w("/deleted-then-recreated"), w("/new-name"), r("/old-name"), w("/saved-twice")]]);
  });

  it("hands out a batch after maxWait even when changes never pause", () => {
    const { timers, batches, b } = setup(100, 1_000);
    for (let t = 0; t < 1_500; t += 50) {
      b.add(w(`/log${t}`));
      timers.advance(50);
    }
    expect(batches.length).toBe(1);
    expect(batches[0]).toHaveLength(20);
  });

  it("drops what is pending when closed", () => {
    const { timers, batches, b } = setup();
    b.add(w("/a"));
    b.close();
    timers.advance(1_000);
    expect(batches).toEqual([]);
    expect(timers.pending).toBe(0);
  });
});
