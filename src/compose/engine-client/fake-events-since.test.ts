import { describe, expect, it } from "vitest";
import { happenedSince } from "./fake-events.ts";

describe("happenedSince", () => {
  it("keeps an event of the very millisecond taken as since, for every millisecond", () => {
    const base = 1_796_700_000_000;
    for (let i = 0; i < 100_000; i++) {
      const ms = base + i;
      expect(happenedSince(ms * 1e6, ms / 1000)).toBe(true);
    }
  });

  it("drops an earlier event", () => {
    expect(happenedSince(1_796_700_000_122 * 1e6, 1_796_700_000_123 / 1000)).toBe(false);
  });
});
