import { describe, expect, it } from "vitest";
import { secondsAfter } from "./log-follower.ts";

describe("secondsAfter", () => {
  it("turns an RFC 3339 time with nanoseconds into fractional unix seconds just after it", () => {
    const s = secondsAfter("2026-11-25T13:11:00.516806336Z")!;
    const base = Date.parse("2026-11-25T13:11:00Z") / 1000;
    expect(s - base).toBeGreaterThan(0.516806336);
    expect(s - base).toBeLessThan(0.516806336 + 2e-6);
    expect(secondsAfter("2026-11-25T14:11:00.5+01:00")! - base).toBeCloseTo(0.5, 5);
    expect(secondsAfter("2026-11-25T13:11:00Z")! - base).toBeCloseTo(0, 5);
  });

  it("has no answer for Go's zero time or anything else", () => {
    expect(secondsAfter("0001-01-01T00:00:00Z")).toBeUndefined();
    expect(secondsAfter("")).toBeUndefined();
    expect(secondsAfter("yesterday")).toBeUndefined();
  });
});
