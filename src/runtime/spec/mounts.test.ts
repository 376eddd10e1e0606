import { describe, expect, it } from "vitest";
import type { MountsInput } from "./mounts.ts";
import { buildMounts, tmpfsOptions } from "./mounts.ts";

const base: MountsInput = { mounts: [], files: {}, readonlyRootfs: false, privileged: false, ipc: { kind: "private" } };
const byDest = (r: ReturnType<typeof buildMounts>, d: string) => r.mounts.find((m) => m.destination === d);

describe("buildMounts", () => {
  it("has Docker's default mounts in order with a 64 MiB /dev/shm", () => {
    const r = buildMounts(base);
    expect(r.mounts.map((m) => m.destination)).toEqual([
      "/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/mqueue", "/dev/shm",
    ]);
    expect(byDest(r, "/dev/shm")?.options).toContain("size=67108864");
    expect(byDest(r, "/sys")?.options).toContain("ro");
    expect(byDest(r, "/sys/fs/cgroup")?.options).toContain("ro");
    expect(byDest(r, "/dev/pts")?.options).toEqual(["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]);
    expect(r.rootfsPropagation).toBeUndefined();
  });

  it("sizes /dev/shm from shmSize and rejects nonsense", () => {
    expect(byDest(buildMounts({ ...base, shmSize: 1024 }), "/dev/shm")?.options).toContain("size=1024");
    expect(() => buildMounts({ ...base, shmSize: 0 })).toThrow(/shm size/);
  });

  it("makes /sys and the cgroup mount writable when privileged", () => {
    const r = buildMounts({ ...base, privileged: true });
    expect(byDest(r, "/sys")?.options).not.toContain("ro");
    expect(byDest(r, "/sys/fs/cgroup")?.options).not.toContain("ro");
  });

  it("bind-mounts the per-container files, read-only with a read-only rootfs", () => {
    const files = { hosts: "/st/c1/hosts", resolvConf: "/st/c1/resolv.conf", hostname: "/st/c1/hostname" };
    const rw = buildMounts({ ...base, files });
    expect(byDest(rw, "/etc/hosts")).toEqual({ destination: "/etc/hosts", type: "bind", source: "/st/c1/hosts", options: ["rbind", "rprivate"] });
    expect(byDest(rw, "/etc/resolv.conf")?.source).toBe("/st/c1/resolv.conf");
    expect(byDest(rw, "/etc/hostname")?.source).toBe("/st/c1/hostname");
    const ro = buildMounts({ ...base, files, readonlyRootfs: true });
    expect(byDest(ro, "/etc/hosts")?.options).toEqual(["rbind", "ro", "rprivate"]);
  });

  it("lets a user mount replace a default or an engine file", () => {
    const r = buildMounts({
      ...base,
      files: { hosts: "/st/hosts" },
      mounts: [
        { type: "bind", source: "/my/hosts", target: "/etc/hosts", readonly: true },
        { type: "tmpfs", target: "/dev/shm", size: 1 << 20 },
      ],
    });
    expect(r.mounts.filter((m) => m.destination === "/etc/hosts")).toEqual([
      { destination: "/etc/hosts", type: "bind", source: "/my/hosts", options: ["rbind", "ro", "rprivate"] },
    ]);
    expect(r.mounts.filter((m) => m.destination === "/dev/shm")).toHaveLength(1);
    expect(byDest(r, "/dev/shm")?.source).toBe("tmpfs");
  });

  it("drops every default under /dev when the user mounts /dev", () => {
    const r = buildMounts({ ...base, mounts: [{ type: "bind", source: "/dev", target: "/dev" }] });
    expect(r.mounts.map((m) => m.destination)).toEqual(["/proc", "/sys", "/sys/fs/cgroup", "/dev"]);
  });

  it("orders user mounts parents first, keeping the given order otherwise", () => {
    const r = buildMounts({
      ...base,
      mounts: [
        { type: "bind", source: "/h/c", target: "/data/a/b" },
        { type: "volume", source: "/v/x", target: "/data" },
        { type: "tmpfs", target: "/tmp" },
        { type: "bind", source: "/h/a", target: "/data/a/" },
      ],
    });
    expect(r.mounts.slice(7).map((m) => m.destination)).toEqual(["/data", "/tmp", "/data/a", "/data/a/b"]);
    expect(r.mkdirs).toEqual(["/data", "/tmp"]);
  });

  it("writes bind options: rbind/bind, ro, propagation (default rprivate)", () => {
    const r = buildMounts({
      ...base,
      mounts: [
        { type: "bind", source: "/a", target: "/a" },
        { type: "bind", source: "/b", target: "/b", readonly: true, propagation: "rslave", recursive: false },
        { type: "volume", source: "/var/lib/tstack/volumes/v/_data", target: "/v", readonly: true },
      ],
    });
    expect(byDest(r, "/a")?.options).toEqual(["rbind", "rprivate"]);
    expect(byDest(r, "/b")?.options).toEqual(["bind", "ro", "rslave"]);
    expect(byDest(r, "/v")).toEqual({ destination: "/v", type: "bind", source: "/var/lib/tstack/volumes/v/_data", options: ["rbind", "ro", "rprivate"] });
    expect(r.rootfsPropagation).toBeUndefined();
  });

  it("makes the root shared when a bind propagates shared", () => {
    const r = buildMounts({ ...base, mounts: [{ type: "bind", source: "/mnt", target: "/mnt", propagation: "rshared" }] });
    expect(r.rootfsPropagation).toBe("shared");
  });

  it("uses the host's /dev/shm with the host IPC namespace", () => {
    const r = buildMounts({ ...base, ipc: { kind: "host" } });
    expect(r.mounts.filter((m) => m.destination === "/dev/shm")).toEqual([
      { destination: "/dev/shm", type: "bind", source: "/dev/shm", options: ["rbind", "rprivate"] },
    ]);
  });

  it("bind-mounts the init read-only", () => {
    const r = buildMounts({ ...base, init: "/usr/bin/tini" });
    expect(byDest(r, "/sbin/docker-init")).toEqual({ destination: "/sbin/docker-init", type: "bind", source: "/usr/bin/tini", options: ["bind", "ro"] });
  });

  it("rejects duplicates, relative paths and mounting over /", () => {
    expect(() =>
      buildMounts({ ...base, mounts: [{ type: "tmpfs", target: "/x" }, { type: "bind", source: "/y", target: "/x/" }] }),
    ).toThrow(/duplicate mount point: \/x/);
    expect(() => buildMounts({ ...base, mounts: [{ type: "tmpfs", target: "x" }] })).toThrow(/absolute/);
    expect(() => buildMounts({ ...base, mounts: [{ type: "bind", source: "rel", target: "/x" }] })).toThrow(/absolute host path/);
    expect(() => buildMounts({ ...base, mounts: [{ type: "tmpfs", target: "/" }] })).toThrow(/root/);
  });
});

describe("tmpfsOptions", () => {
  it("defaults to noexec,nosuid,nodev", () => {
    expect(tmpfsOptions(undefined, undefined, [], "/t")).toEqual(["noexec", "nosuid", "nodev", "rprivate"]);
  });

  it("writes size in bytes and mode in octal", () => {
    expect(tmpfsOptions(1 << 20, 0o1777, [], "/t")).toEqual(["noexec", "nosuid", "nodev", "rprivate", "mode=1777", "size=1048576"]);
  });

  it("lets flags override their opposites and key=value options appear once", () => {
    expect(tmpfsOptions(100, undefined, ["exec", "size=5", "uid=1000", "ro"], "/t")).toEqual([
      "nosuid", "nodev", "exec", "ro", "rprivate", "uid=1000", "size=100",
    ]);
  });

  it("rejects bad sizes and modes", () => {
    expect(() => tmpfsOptions(-1, undefined, [], "/t")).toThrow(/tmpfs size for \/t/);
    expect(() => tmpfsOptions(undefined, 0o17777, [], "/t")).toThrow(/tmpfs mode/);
  });
});
