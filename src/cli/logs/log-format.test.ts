import { describe, expect, it } from "vitest";
import { colorFor, formatLogLine, timeArg } from "./log-format.ts";

describe("log lines", () => {
  it("formats prefixes and times", () => {
    expect(formatLogLine({ service: "web", label: "web-1", stream: "stdout", text: "hi" }, { prefix: true, width: 8 })).toBe("web-1    | hi");
    expect(formatLogLine({ service: "web", label: "web-1", stream: "stdout", text: "hi" }, { prefix: false, width: 8 })).toBe("hi");
    expect(formatLogLine({ service: "web", label: "web-1", stream: "stdout", text: "hi" }, { prefix: true, width: 5, color: colorFor(0) })).toBe("\x1b[36mweb-1 | \x1b[0mhi");
    expect(timeArg("10m", 1_000_000_000)).toBe(1_000_000 - 600);
    expect(timeArg("1700000000", 0)).toBe(1_700_000_000);
    expect(timeArg("2024-01-01T00:00:00Z", 0)).toBe(1_704_067_200);
    expect(() => timeArg("yesterday", 0)).toThrow(/invalid time/);
  });
});
