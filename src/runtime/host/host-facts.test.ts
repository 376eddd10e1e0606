import { describe, it, expect } from "vitest";
import { parseProcLimits } from "./host-facts.ts";

describe("host facts", () => {
  it("parses /proc/self/limits", () => {
    const text = [
      "Limit                     Soft Limit           Hard Limit           Units     ",
      "Max cpu time              unlimited            unlimited            seconds   ",
      "Max stack size            8388608              unlimited            bytes     ",
      "Max open files            1024                 20000                files     ",
      "Max realtime timeout      unlimited            unlimited            us        ",
    ].join("\n");
    expect(parseProcLimits(text)).toEqual({
      cpu: { soft: Infinity, hard: Infinity },
      stack: { soft: 8388608, hard: Infinity },
      nofile: { soft: 1024, hard: 20000 },
      rttime: { soft: Infinity, hard: Infinity },
    });
  });
});
