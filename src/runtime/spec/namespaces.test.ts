import { describe, expect, it } from "vitest";
import type { SysctlsInput } from "./namespaces.ts";
import { buildNamespaces, buildSysctls } from "./namespaces.ts";

const priv = { kind: "private" } as const;

describe("buildNamespaces", () => {
  it("creates every namespace for a default container with no network", () => {
    expect(buildNamespaces({ pid: priv, ipc: priv, network: { kind: "none" }, cgroupns: "private" })).toEqual([
      { type: "pid" }, { type: "ipc" }, { type: "uts" }, { type: "mount" }, { type: "network" }, { type: "cgroup" },
    ]);
  });

  it("omits host namespaces and joins paths", () => {
    expect(
      buildNamespaces({
        pid: { kind: "host" },
        ipc: { kind: "path", path: "/proc/42/ns/ipc" },
        network: { kind: "path", path: "/run/netns/tstack-abc" },
        cgroupns: "host",
      }),
    ).toEqual([
      { type: "ipc", path: "/proc/42/ns/ipc" }, { type: "uts" }, { type: "mount" }, { type: "network", path: "/run/netns/tstack-abc" },
    ]);
    expect(buildNamespaces({ pid: priv, ipc: priv, network: { kind: "host" }, cgroupns: "host" }).map((n) => n.type)).toEqual([
      "pid", "ipc", "uts", "mount",
    ]);
  });

  it("rejects relative namespace paths", () => {
    expect(() => buildNamespaces({ pid: { kind: "path", path: "ns/pid" }, ipc: priv, network: { kind: "none" }, cgroupns: "host" })).toThrow(/absolute/);
  });
});

describe("buildSysctls", () => {
  const base: SysctlsInput = {
    sysctls: {},
    ipc: priv,
    network: { kind: "path", path: "/run/netns/x" },
    existingSysctls: ["net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"],
  };

  it("sets Docker's per-netns defaults for a network namespace of the container's own", () => {
    expect(buildSysctls(base)).toEqual({ "net.ipv4.ping_group_range": "0 2147483647", "net.ipv4.ip_unprivileged_port_start": "0" });
    expect(buildSysctls({ ...base, network: { kind: "none" }, existingSysctls: ["net.ipv4.ping_group_range"] })).toEqual({
      "net.ipv4.ping_group_range": "0 2147483647",
    });
  });

  it("leaves a shared or host network namespace alone", () => {
    expect(buildSysctls({ ...base, network: { kind: "path", path: "/proc/1/ns/net", shared: true } })).toEqual({});
    expect(buildSysctls({ ...base, network: { kind: "host" } })).toEqual({});
  });

  it("lets the user override defaults and sets the domain name", () => {
    expect(buildSysctls({ ...base, domainname: "example.org", sysctls: { "net.ipv4.ip_unprivileged_port_start": "1024", "kernel.shmmax": "1000" } })).toEqual({
      "net.ipv4.ping_group_range": "0 2147483647",
      "net.ipv4.ip_unprivileged_port_start": "1024",
      "kernel.domainname": "example.org",
      "kernel.shmmax": "1000",
    });
  });

  it("refuses sysctls that would change the host", () => {
    expect(() => buildSysctls({ ...base, sysctls: { "vm.swappiness": "1" } })).toThrow(/not namespaced/);
    expect(() => buildSysctls({ ...base, network: { kind: "host" }, sysctls: { "net.core.somaxconn": "1" } })).toThrow(/host's network/);
    expect(() => buildSysctls({ ...base, ipc: { kind: "host" }, sysctls: { "fs.mqueue.msg_max": "1" } })).toThrow(/host's IPC/);
    expect(() => buildSysctls({ ...base, sysctls: { "kernel.hostname": "x" } })).toThrow(/hostname option/);
  });
});
