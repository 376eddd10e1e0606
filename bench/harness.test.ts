import { describe, it, expect } from "vitest";
import { compare, formatFigure, stats } from "./harness.ts";

describe("bench harness", () => {
  it("computes median, min and max", () => {
    expect(stats([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5 });
    expect(stats([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
    expect(() => stats([])).toThrow();
  });

  it("reports the ratio of medians against the baseline and prints JSON per figure", async () => {
    const fig = await compare(
      "demo",
      3,
      { name: "tstack", run: () => new Promise((r) => setTimeout(r, 20)) },
      { name: "floor", run: () => new Promise((r) => setTimeout(r, 2)) },
    );
    expect(fig.runs).toBe(3);
    expect(fig.baseline?.name).toBe("floor");
    expect(fig.ratio).toBeGreaterThan(1);
    const parsed = JSON.parse(formatFigure(fig, true));
    expect(Object.keys(parsed)).toEqual(["name", "unit", "runs", "tstack", "baseline", "ratio"]);
  });
});
