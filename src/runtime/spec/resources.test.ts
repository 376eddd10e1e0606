import { describe, expect, it } from "vitest";
import { buildResources } from "./resources.ts";

const MiB = 1024 * 1024;
const v2 = { swapAccounting: true, cpuCount: 4 };

describe("buildResources", () => {
  it("sets nothing when nothing is asked", () => {
    expect(buildResources({}, v2)).toEqual({ resources: {}, warnings: [] });
  });

  it("defaults memory+swap to twice the memory limit, as Docker", () => {
    expect(buildResources({ memory: 256 * MiB }, v2).resources.memory).toEqual({ limit: 256 * MiB, swap: 512 * MiB });
  });

  it("passes memory-swap through, -1/Infinity meaning unlimited swap", () => {
    expect(buildResources({ memory: 64 * MiB, memorySwap: 64 * MiB }, v2).resources.memory?.swap).toBe(64 * MiB);
    expect(buildResources({ memory: 64 * MiB, memorySwap: Infinity }, v2).resources.memory?.swap).toBe(-1);
    expect(buildResources({ memory: 64 * MiB, memorySwap: -1 }, v2).resources.memory?.swap).toBe(-1);
  });

  it("leaves swap out (with a warning if asked) without swap accounting", () => {
    const quiet = buildResources({ memory: 64 * MiB }, { swapAccounting: false });
    expect(quiet.resources.memory).toEqual({ limit: 64 * MiB });
    expect(quiet.warnings).toEqual([]);
    const asked = buildResources({ memory: 64 * MiB, memorySwap: 128 * MiB }, { swapAccounting: false });
    expect(asked.resources.memory).toEqual({ limit: 64 * MiB });
    expect(asked.warnings[0]).toMatch(/swap/);
  });

  it("validates memory settings like Docker", () => {
    expect(() => buildResources({ memory: 1 * MiB }, v2)).toThrow(/6MB/);
    expect(() => buildResources({ memory: 64 * MiB, memorySwap: 32 * MiB }, v2)).toThrow(/at least the memory limit/);
    expect(() => buildResources({ memorySwap: 32 * MiB }, v2)).toThrow(/needs a memory limit/);
    expect(() => buildResources({ memory: 64 * MiB, memoryReservation: 128 * MiB }, v2)).toThrow(/reservation/);
    expect(() => buildResources({ memory: 1.5 * MiB * 10 }, v2)).not.toThrow();
    expect(() => buildResources({ memory: 10.5 * MiB + 0.5 }, v2)).toThrow(/integer/);
  });

  it("sets reservation and disables the OOM killer", () => {
    const r = buildResources({ memory: 64 * MiB, memoryReservation: 32 * MiB, oomKillDisable: true }, { swapAccounting: false });
    expect(r.resources.memory).toEqual({ limit: 64 * MiB, reservation: 32 * MiB, disableOOMKiller: true });
  });

  it("turns cpus into a CFS quota over a 100ms period", () => {
    expect(buildResources({ cpus: 1.5 }, v2).resources.cpu).toEqual({ quota: 150_000, period: 100_000 });
    expect(buildResources({ cpus: 0.01 }, v2).resources.cpu).toEqual({ quota: 1000, period: 100_000 });
    expect(() => buildResources({ cpus: 8 }, v2)).toThrow(/only 4 CPUs/);
    expect(() => buildResources({ cpus: 0.001 }, v2)).toThrow(/at least 0.01/);
  });

  it("clamps cpu shares into the kernel's range with a warning", () => {
    const r = buildResources({ cpuShares: 1 }, v2);
    expect(r.resources.cpu).toEqual({ shares: 2 });
    expect(r.warnings).toHaveLength(1);
    expect(buildResources({ cpuShares: 512 }, v2).resources.cpu).toEqual({ shares: 512 });
  });

  it("validates cpusets", () => {
    expect(buildResources({ cpusetCpus: "0-2, 4", cpusetMems: "0" }, v2).resources.cpu).toEqual({ cpus: "0-2,4", mems: "0" });
    expect(() => buildResources({ cpusetCpus: "a-b" }, v2)).toThrow(/cpuset cpus/);
    expect(() => buildResources({ cpusetCpus: "3-1" }, v2)).toThrow(/reversed/);
  });

  it("limits pids only for a positive limit", () => {
    expect(buildResources({ pidsLimit: 100 }, v2).resources.pids).toEqual({ limit: 100 });
    expect(buildResources({ pidsLimit: -1 }, v2).resources.pids).toBeUndefined();
    expect(buildResources({ pidsLimit: 0 }, v2).resources.pids).toBeUndefined();
  });
});
