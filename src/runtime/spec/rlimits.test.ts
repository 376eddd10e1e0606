import { describe, expect, it } from "vitest";
import { buildRlimits, RLIM_INFINITY } from "./rlimits.ts";

const host = { nofile: { soft: 20000, hard: 20000 }, memlock: { soft: 8388608, hard: 8388608 }, core: { soft: 0, hard: Infinity } };

describe("buildRlimits", () => {
  it("sets none by default (the container inherits the engine's)", () => {
    expect(buildRlimits([], [], host)).toEqual({ rlimits: [], warnings: [] });
  });

  it("converts names and values, Infinity becoming RLIM_INFINITY", () => {
    const r = buildRlimits([{ name: "core", soft: 0, hard: Infinity }, { name: "nproc", soft: 100, hard: 200 }], [], host);
    expect(r.rlimits).toEqual([
      { type: "RLIMIT_CORE", soft: 0n, hard: RLIM_INFINITY },
      { type: "RLIMIT_NPROC", soft: 100n, hard: 200n },
    ]);
    expect(r.warnings).toEqual([]);
  });

  it("clamps to the engine's hard limit and warns", () => {
    const r = buildRlimits([{ name: "nofile", soft: 65536, hard: 1048576 }, { name: "memlock", soft: Infinity, hard: Infinity }], [], host);
    expect(r.rlimits).toEqual([
      { type: "RLIMIT_NOFILE", soft: 20000n, hard: 20000n },
      { type: "RLIMIT_MEMLOCK", soft: 8388608n, hard: 8388608n },
    ]);
    expect(r.warnings).toHaveLength(2);
    expect(r.warnings[0]).toMatch(/nofile.*1048576.*20000/);
  });

  it("keeps a lower soft limit under a clamped hard limit", () => {
    expect(buildRlimits([{ name: "nofile", soft: 1024, hard: 1048576 }], [], host).rlimits).toEqual([
      { type: "RLIMIT_NOFILE", soft: 1024n, hard: 20000n },
    ]);
  });

  it("merges engine defaults under the container's by name, clamping both", () => {
    const r = buildRlimits([{ name: "nofile", soft: 1000, hard: 2000 }], [{ name: "nofile", soft: 1048576, hard: 1048576 }, { name: "nproc", soft: 5, hard: 5 }], host);
    expect(r.rlimits).toEqual([
      { type: "RLIMIT_NPROC", soft: 5n, hard: 5n },
      { type: "RLIMIT_NOFILE", soft: 1000n, hard: 2000n },
    ]);
  });

  it("rejects invalid ulimits", () => {
    expect(() => buildRlimits([{ name: "nofile", soft: 10, hard: 5 }], [], host)).toThrow(/soft limit 10 exceeds hard limit 5/);
    expect(() => buildRlimits([{ name: "nofile", soft: -1, hard: 5 }], [], host)).toThrow(/non-negative/);
    expect(() => buildRlimits([{ name: "bogus" as "nofile", soft: 1, hard: 1 }], [], host)).toThrow(/unknown ulimit/);
  });
});
