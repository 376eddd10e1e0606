import { describe, it, expect } from "vitest";
import { nextRestartDelay, parseRestartPolicy, shouldRestart } from "./restart-policy.ts";

describe("restart policy", () => {
  it("parses Docker's forms and refuses others", () => {
    expect(parseRestartPolicy("no")).toEqual({ name: "no" });
    expect(parseRestartPolicy("on-failure:3")).toEqual({ name: "on-failure", maximumRetryCount: 3 });
    expect(parseRestartPolicy("on-failure")).toEqual({ name: "on-failure", maximumRetryCount: 0 });
    expect(parseRestartPolicy("unless-stopped")).toEqual({ name: "unless-stopped" });
    expect(() => parseRestartPolicy("always:2")).toThrow(/invalid restart policy/);
    expect(() => parseRestartPolicy("sometimes")).toThrow(/invalid restart policy/);
  });

  it("decides like Docker", () => {
    const fail = { exitCode: 1, explicitlyStopped: false, restartCount: 0 };
    expect(shouldRestart({ name: "no" }, fail)).toBe(false);
    expect(shouldRestart({ name: "always" }, { ...fail, exitCode: 0 })).toBe(true);
    expect(shouldRestart({ name: "always" }, { ...fail, explicitlyStopped: true })).toBe(false);
    const of3 = { name: "on-failure", maximumRetryCount: 3 } as const;
    expect(shouldRestart(of3, { ...fail, restartCount: 2 })).toBe(true);
    expect(shouldRestart(of3, { ...fail, restartCount: 3 })).toBe(false);
    expect(shouldRestart(of3, { ...fail, exitCode: 0 })).toBe(false);
    expect(shouldRestart({ name: "on-failure", maximumRetryCount: 0 }, { ...fail, restartCount: 99 })).toBe(true);
  });

  it("backs off by doubling from 100 ms and resets after 10 s of running", () => {
    expect(nextRestartDelay(0, 0)).toBe(100);
    expect(nextRestartDelay(100, 50)).toBe(200);
    expect(nextRestartDelay(400, 9_999)).toBe(800);
    expect(nextRestartDelay(800, 10_000)).toBe(100);
    expect(nextRestartDelay(40_000, 1)).toBe(60_000);
  });
});
