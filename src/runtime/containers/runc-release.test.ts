import { describe, expect, it } from "vitest";
import { cgroupDirsToRelease, releaseStoppedRunc, type RuncReleaseFs } from "./runc-release.ts";

const state = (paths: Record<string, string>, extra: Record<string, unknown> = {}) => JSON.stringify({ id: "c1", cgroup_paths: paths, intel_rdt_path: "", ...extra });

describe("releasing a stopped runc container without runc", () => {
  it("takes the recorded cgroup directories, once each", () => {
    const dirs = cgroupDirsToRelease(state({ "": "/sys/fs/cgroup/unified/t-c1", cpu: "/sys/fs/cgroup/cpu,cpuacct/t-c1", cpuacct: "/sys/fs/cgroup/cpu,cpuacct/t-c1" }));
    expect(dirs).toEqual(["/sys/fs/cgroup/unified/t-c1", "/sys/fs/cgroup/cpu,cpuacct/t-c1"]);
  });

  it("leaves unusual states to runc", () => {
    expect(cgroupDirsToRelease("not json")).toBeUndefined();
    expect(cgroupDirsToRelease(JSON.stringify({ status: "stopped" }))).toBeUndefined(); // crun's shape
    expect(cgroupDirsToRelease(state({ memory: "/sys/fs/cgroup/memory/x" }, { intel_rdt_path: "/sys/fs/resctrl/x" }))).toBeUndefined();
    expect(cgroupDirsToRelease(state({ memory: "/etc/x" }))).toBeUndefined();
    expect(cgroupDirsToRelease(state({ memory: "/sys/fs/cgroup/../../etc" }))).toBeUndefined();
  });

  function fakeFs(files: Record<string, string>, busy: readonly string[] = []) {
    const done: string[] = [];
    const fs: RuncReleaseFs = {
      readFile: async (p) => {
        const t = files[p];
        if (t === undefined) throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
        return t;
      },
      rmdir: async (p) => {
        if (busy.includes(p)) throw Object.assign(new Error("EBUSY"), { code: "EBUSY" });
        if (p.endsWith("gone")) throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
        done.push(`rmdir ${p}`);
      },
      removeTree: async (p) => void done.push(`rm -r ${p}`),
    };
    return { fs, done };
  }

  it("removes the cgroups, then the state directory (a cgroup already gone is fine)", async () => {
    const { fs, done } = fakeFs({ "/run/r/c1/state.json": state({ memory: "/sys/fs/cgroup/memory/c1", pids: "/sys/fs/cgroup/pids/gone" }) });
    expect(await releaseStoppedRunc("/run/r", "c1", fs)).toBe(true);
    expect(done).toEqual(["rmdir /sys/fs/cgroup/memory/c1", "rm -r /run/r/c1"]);
  });

  it("says no, keeping the state for runc, when a cgroup still holds processes or there is no state", async () => {
    const busy = fakeFs({ "/run/r/c1/state.json": state({ memory: "/sys/fs/cgroup/memory/c1" }) }, ["/sys/fs/cgroup/memory/c1"]);
    expect(await releaseStoppedRunc("/run/r", "c1", busy.fs)).toBe(false);
    expect(busy.done).toEqual([]);
    const none = fakeFs({});
    expect(await releaseStoppedRunc("/run/r", "c1", none.fs)).toBe(false);
  });
});
