import { describe, expect, it } from "vitest";
import type { HostDevice } from "./create-options.ts";
import { buildDevices, DEFAULT_DEVICE_RULES } from "./devices.ts";

const fuse: HostDevice = { path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 0o20666, uid: 0, gid: 0 };
const sda: HostDevice = { path: "/dev/sda", type: "b", major: 8, minor: 0, fileMode: 0o660, uid: 0, gid: 6 };

describe("buildDevices", () => {
  it("denies all but the standard devices by default and creates no extra nodes", () => {
    const r = buildDevices({ privileged: false, devices: [], hostDevices: [fuse] });
    expect(r.devices).toEqual([]);
    expect(r.rules[0]).toEqual({ allow: false, access: "rwm" });
    const allowed = r.rules.filter((x) => x.allow).map((x) => `${x.type} ${x.major ?? "*"}:${x.minor ?? "*"} ${x.access}`);
    expect(allowed).toEqual([
      "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
      "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm",
    ]);
  });

  it("maps a host device with its cgroup rule and permissions", () => {
    const r = buildDevices({
      privileged: false,
      devices: [{ device: fuse }, { device: sda, containerPath: "/dev/xvda", permissions: "wr" }],
      hostDevices: [],
    });
    expect(r.devices).toEqual([
      { path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 0o666, uid: 0, gid: 0 },
      { path: "/dev/xvda", type: "b", major: 8, minor: 0, fileMode: 0o660, uid: 0, gid: 6 },
    ]);
    expect(r.rules.slice(DEFAULT_DEVICE_RULES.length)).toEqual([
      { allow: true, type: "c", major: 10, minor: 229, access: "rwm" },
      { allow: true, type: "b", major: 8, minor: 0, access: "rw" },
    ]);
  });

  it("gives privileged containers every host device and allows all", () => {
    const r = buildDevices({ privileged: true, devices: [{ device: sda, containerPath: "/dev/disk0" }], hostDevices: [fuse, sda] });
    expect(r.devices.map((d) => d.path)).toEqual(["/dev/fuse", "/dev/sda", "/dev/disk0"]);
    expect(r.rules).toEqual([{ allow: true, access: "rwm" }]);
  });

  it("rejects bad permissions, paths outside /dev and duplicates", () => {
    expect(() => buildDevices({ privileged: false, devices: [{ device: fuse, permissions: "rx" }], hostDevices: [] })).toThrow(/cgroup permissions/);
    expect(() => buildDevices({ privileged: false, devices: [{ device: fuse, containerPath: "/fuse" }], hostDevices: [] })).toThrow(/under \/dev/);
    expect(() => buildDevices({ privileged: false, devices: [{ device: fuse }, { device: fuse }], hostDevices: [] })).toThrow(/twice/);
  });
});
