import { describe, it, expect } from "vitest";
import { readCgroupStats, readOomKills, parseLimit, parseV2IoStat } from "./cgroup-stats.ts";
import { cgroupDir, detectCgroupLayout, type CgroupFs } from "./cgroup-layout.ts";

function memFs(files: Record<string, string>): CgroupFs {
  return {
    exists: async (p) => p in files,
    readFile: async (p) => {
      const v = files[p];
      if (v === undefined) throw Object.assign(new Error(`ENOENT ${p}`), { code: "ENOENT" });
      return v;
    },
  };
}

describe("cgroup layout", () => {
  it("detects v1 (also hybrid) by the memory hierarchy, else v2", async () => {
    expect((await detectCgroupLayout(memFs({ "/sys/fs/cgroup/memory/memory.limit_in_bytes": "" }))).mode).toBe("v1");
    expect((await detectCgroupLayout(memFs({}))).mode).toBe("v2");
  });
  it("places a cgroups path per controller on v1 and once on v2", () => {
    expect(cgroupDir({ mode: "v1", root: "/sys/fs/cgroup" }, "/tstack/abc", "memory")).toBe("/sys/fs/cgroup/memory/tstack/abc");
    expect(cgroupDir({ mode: "v2", root: "/sys/fs/cgroup" }, "/tstack/abc", "memory")).toBe("/sys/fs/cgroup/tstack/abc");
  });
});

describe("cgroup stats", () => {
  it("reads v1 files", async () => {
    const b = "/sys/fs/cgroup";
    const fs = memFs({
      [`${b}/cpuacct/t/c/cpuacct.usage`]: "5000\n",
      [`${b}/cpuacct/t/c/cpuacct.usage_percpu`]: "2000 3000 \n",
      [`${b}/memory/t/c/memory.usage_in_bytes`]: "1048576\n",
      [`${b}/memory/t/c/memory.limit_in_bytes`]: "9223372036854771712\n",
      [`${b}/memory/t/c/memory.stat`]: "cache 10\nrss 20\n",
      [`${b}/memory/t/c/memory.oom_control`]: "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n",
      [`${b}/pids/t/c/pids.current`]: "3\n",
      [`${b}/pids/t/c/pids.max`]: "max\n",
      [`${b}/blkio/t/c/blkio.throttle.io_service_bytes`]: "8:0 Read 4096\n8:0 Write 0\nTotal 4096\n",
    });
    const s = await readCgroupStats(fs, { mode: "v1", root: b }, "/t/c");
    expect(await readOomKills(fs, { mode: "v1", root: b }, "/t/c")).toBe(1);
    expect(s).toMatchObject({
      cpuUsageNs: 5000,
      perCpuUsageNs: [2000, 3000],
      memoryUsage: 1048576,
      memoryLimit: undefined,
      oomKills: 1,
      pidsCurrent: 3,
      pidsLimit: undefined,
      memoryStat: { cache: 10, rss: 20 },
    });
    expect(s.blkio).toEqual([
      { major: 8, minor: 0, op: "Read", value: 4096 },
      { major: 8, minor: 0, op: "Write", value: 0 },
    ]);
  });

  it("reads v2 files", async () => {
    const d = "/sys/fs/cgroup/t/c";
    const fs = memFs({
      [`${d}/cpu.stat`]: "usage_usec 7\nuser_usec 5\n",
      [`${d}/memory.current`]: "4096\n",
      [`${d}/memory.max`]: "8388608\n",
      [`${d}/memory.events`]: "low 0\nhigh 0\nmax 3\noom 1\noom_kill 2\n",
      [`${d}/pids.current`]: "1\n",
      [`${d}/pids.max`]: "20\n",
      [`${d}/io.stat`]: "8:0 rbytes=100 wbytes=200 rios=1 wios=2\n",
    });
    const s = await readCgroupStats(fs, { mode: "v2", root: "/sys/fs/cgroup" }, "/t/c");
    expect(s).toMatchObject({ cpuUsageNs: 7000, memoryUsage: 4096, memoryLimit: 8388608, oomKills: 2, pidsLimit: 20 });
    expect(parseV2IoStat("8:0 rbytes=100 wbytes=200")).toHaveLength(2);
    expect(parseLimit("max", "v2")).toBeUndefined();
    expect(await readOomKills(fs, { mode: "v2", root: "/sys/fs/cgroup" }, "/t/c")).toBe(2);
    expect(await readOomKills(memFs({}), { mode: "v2", root: "/sys/fs/cgroup" }, "/t/c")).toBe(0);
  });
});
