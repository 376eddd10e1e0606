import { describe, expect, it } from "vitest";
import { parseSignal } from "./signal.ts";

describe("parseSignal", () => {
  it.each([
    ["SIGTERM", 15, "SIGTERM"],
    ["TERM", 15, "SIGTERM"],
    ["sigterm", 15, "SIGTERM"],
    ["15", 15, "SIGTERM"],
    ["SIGKILL", 9, "SIGKILL"],
    ["SIGQUIT", 3, "SIGQUIT"],
    ["SIGINT", 2, "SIGINT"],
    ["usr1", 10, "SIGUSR1"],
    ["SIGWINCH", 28, "SIGWINCH"],
    ["SIGIOT", 6, "SIGABRT"],
    ["SIGRTMIN", 34, "SIGRTMIN"],
    ["SIGRTMIN+3", 37, "SIGRTMIN+3"],
    ["RTMAX-1", 63, "SIGRTMAX-1"],
    ["64", 64, "SIGRTMAX"],
    ["50", 50, "SIGRTMAX-14"],
  ])("parses %s", (raw, number, name) => {
    expect(parseSignal(raw)).toEqual({ number, name });
  });

  it("accepts a number", () => {
    expect(parseSignal(9)).toEqual({ number: 9, name: "SIGKILL" });
  });

  it.each(["", "SIGFOO", "0", "65", "32", "-1", "SIGRTMAX+1", "TERM15"])("rejects %j", (raw) => {
    expect(() => parseSignal(raw)).toThrow(/invalid signal/);
  });
});
