import { describe, it, expect } from "vitest";
import { applyProbe, effectiveHealthcheck, initialHealth } from "./health-state.ts";

const r = (exitCode: number) => ({ start: "s", end: "e", exitCode, output: "" });

describe("healthcheck config", () => {
  it("merges image and override, with Docker's defaults", () => {
    const cfg = effectiveHealthcheck({ Test: ["CMD-SHELL", "test -f /x"], Interval: 1e9 }, { Retries: 2 });
    expect(cfg).toEqual({
      test: ["/bin/sh", "-c", "test -f /x"],
      intervalMs: 1000,
      timeoutMs: 30000,
      startPeriodMs: 0,
      startIntervalMs: 5000,
      retries: 2,
    });
    expect(effectiveHealthcheck({ Test: ["CMD", "true"] }, { Test: ["NONE"] })).toBeUndefined();
    expect(effectiveHealthcheck(undefined, undefined)).toBeUndefined();
    expect(effectiveHealthcheck(undefined, { Test: ["CMD", "wget", "-q", "x"] })?.test).toEqual(["wget", "-q", "x"]);
  });
});

describe("health transitions", () => {
  const cfg = effectiveHealthcheck({ Test: ["CMD", "true"], Retries: 2 })!;
  it("starting → healthy → unhealthy after `retries` failures", () => {
    let s = initialHealth();
    s = applyProbe(s, r(0), cfg, false);
    expect(s.status).toBe("healthy");
    s = applyProbe(s, r(1), cfg, false);
    expect(s).toMatchObject({ status: "healthy", failingStreak: 1 });
    s = applyProbe(s, r(1), cfg, false);
    expect(s).toMatchObject({ status: "unhealthy", failingStreak: 2 });
    s = applyProbe(s, r(0), cfg, false);
    expect(s).toMatchObject({ status: "healthy", failingStreak: 0 });
  });
  it("ignores failures during the start period and keeps the last 5 results", () => {
    let s = initialHealth();
    for (let i = 0; i < 7; i++) s = applyProbe(s, r(1), cfg, true);
    expect(s).toMatchObject({ status: "starting", failingStreak: 0 });
    expect(s.log).toHaveLength(5);
  });
});
