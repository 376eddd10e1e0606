import { describe, it, expect } from "vitest";
import { translateContainerCreate } from "./container-create.ts";
import { parseBind } from "./mounts.ts";

// What the docker CLI (v28) sends for `docker run --rm busybox echo hi`: every field, mostly zero.
const cliRunBody = {
  Hostname: "", Domainname: "", User: "", AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false,
  OpenStdin: false, StdinOnce: false, Env: null, Cmd: ["echo", "hi"], Image: "busybox", Volumes: {}, WorkingDir: "",
  Entrypoint: null, OnBuild: null, Labels: {},
  HostConfig: {
    Binds: null, ContainerIDFile: "", LogConfig: { Type: "", Config: {} }, NetworkMode: "default", PortBindings: {},
    RestartPolicy: { Name: "no", MaximumRetryCount: 0 }, AutoRemove: true, VolumeDriver: "", VolumesFrom: null,
    ConsoleSize: [40, 120], CapAdd: null, CapDrop: null, CgroupnsMode: "", Dns: [], DnsOptions: [], DnsSearch: [],
    ExtraHosts: null, GroupAdd: null, IpcMode: "", Cgroup: "", Links: null, OomScoreAdj: 0, PidMode: "", Privileged: false,
    PublishAllPorts: false, ReadonlyRootfs: false, SecurityOpt: null, UTSMode: "", UsernsMode: "", ShmSize: 0, Isolation: "",
    CpuShares: 0, Memory: 0, NanoCpus: 0, CgroupParent: "", BlkioWeight: 0, BlkioWeightDevice: [], CpuPeriod: 0, CpuQuota: 0,
    CpusetCpus: "", CpusetMems: "", Devices: [], DeviceCgroupRules: null, DeviceRequests: null, MemoryReservation: 0,
    MemorySwap: 0, MemorySwappiness: null, OomKillDisable: null, PidsLimit: null, Ulimits: [], MaskedPaths: null, ReadonlyPaths: null,
  },
  NetworkingConfig: { EndpointsConfig: { default: { IPAMConfig: null, Links: null, Aliases: null, MacAddress: "", NetworkID: "", IPAddress: "", DNSNames: null } } },
};

describe("ContainerCreate → CreateContainerRequest", () => {
  it("accepts the CLI's all-fields body and keeps only what it means", () => {
    const r = translateContainerCreate(cliRunBody, "web");
    expect(r).toEqual({
      name: "web",
      image: "busybox",
      labels: {},
      options: { cmd: ["echo", "hi"] },
      mounts: [],
      networking: { mode: { kind: "bridge" }, networks: {}, portBindings: [], exposedPorts: [] },
      restartPolicy: { name: "no" },
      autoRemove: true,
    });
  });

  it("translates a compose-style body: binds, mounts, tmpfs, ports, resources, security, logs, healthcheck", () => {
    const r = translateContainerCreate({
      Image: "app:1",
      Entrypoint: ["/bin/sh", "-c"],
      Cmd: ["run"],
      Env: ["A=1"],
      User: "1000:1000",
      WorkingDir: "/srv",
      Labels: { "com.docker.compose.project": "p" },
      Tty: true,
      OpenStdin: true,
      ExposedPorts: { "80/tcp": {}, "53/udp": {} },
      Healthcheck: { Test: ["CMD", "true"], Interval: 1_000_000_000, Retries: 3 },
      StopSignal: "SIGINT",
      StopTimeout: 5,
      Volumes: { "/cache": {} },
      HostConfig: {
        Binds: ["/host/data:/data:ro", "named:/var/lib/x:nocopy"],
        Mounts: [{ Type: "tmpfs", Target: "/scratch", TmpfsOptions: { SizeBytes: 1024 } }, { Type: "volume", Source: "", Target: "/anon" }],
        Tmpfs: { "/run": "size=64m,mode=1777,exec" },
        PortBindings: { "80/tcp": [{ HostIp: "127.0.0.1", HostPort: "8080" }, { HostIp: "", HostPort: "" }] },
        RestartPolicy: { Name: "on-failure", MaximumRetryCount: 3 },
        Memory: 64 * 1024 * 1024, MemorySwap: -1, NanoCpus: 1_500_000_000, PidsLimit: 100, CpuShares: 512,
        CapAdd: ["NET_ADMIN"], CapDrop: ["ALL"], Privileged: false, ReadonlyRootfs: true, Init: true, ShmSize: 1024,
        Sysctls: { "net.ipv4.ip_forward": "1" }, Ulimits: [{ Name: "nofile", Soft: 1024, Hard: -1 }],
        ExtraHosts: ["db:10.0.0.2"], Dns: ["1.1.1.1"], LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "3" } },
        SecurityOpt: ["no-new-privileges:true"], GroupAdd: ["audio"], OomScoreAdj: 100, NetworkMode: "proj_default",
      },
      NetworkingConfig: { EndpointsConfig: { proj_default: { Aliases: ["web"], IPAMConfig: { IPv4Address: "172.30.0.5" } } } },
    });
    expect(r.options).toEqual({
      entrypoint: ["/bin/sh", "-c"], cmd: ["run"], env: ["A=1"], workingDir: "/srv", user: "1000:1000", groupAdd: ["audio"],
      tty: true, openStdin: true, capAdd: ["NET_ADMIN"], capDrop: ["ALL"], readonlyRootfs: true, noNewPrivileges: true,
      oomScoreAdj: 100, shmSize: 1024, sysctls: { "net.ipv4.ip_forward": "1" }, ulimits: [{ name: "nofile", soft: 1024, hard: Infinity }],
      resources: { memory: 67108864, memorySwap: Infinity, cpus: 1.5, cpuShares: 512, pidsLimit: 100 },
      extraHosts: [{ host: "db", ip: "10.0.0.2" }], stopSignal: "SIGINT",
    });
    expect(r.mounts).toEqual([
      { type: "bind", source: "/host/data", target: "/data", readonly: true, createHostPath: true },
      { type: "volume", name: "named", target: "/var/lib/x", readonly: false, noCopy: true },
      { type: "tmpfs", target: "/scratch", size: 1024 },
      { type: "volume", target: "/anon", readonly: false },
      { type: "tmpfs", target: "/run", size: 64 * 1024 * 1024, mode: 0o1777, options: ["exec"] },
      { type: "volume", target: "/cache" },
    ]);
    expect(r.networking).toEqual({
      mode: { kind: "bridge" },
      networks: { proj_default: { aliases: ["web"], ipv4Address: "172.30.0.5" } },
      portBindings: [{ containerPort: 80, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 8080 }, { containerPort: 80, protocol: "tcp" }],
      exposedPorts: ["80/tcp", "53/udp"],
      dns: ["1.1.1.1"],
    });
    expect(r.restartPolicy).toEqual({ name: "on-failure", maximumRetryCount: 3 });
    expect(r.healthcheck).toEqual({ Test: ["CMD", "true"], Interval: 1_000_000_000, Retries: 3 });
    expect(r.log).toEqual({ maxSize: 10 * 1024 * 1024, maxFiles: 3 });
    expect(r.init).toBe(true);
    expect(r.stopTimeoutSeconds).toBe(5);
  });

  it("maps network modes", () => {
    const mode = (m: string) => translateContainerCreate({ Image: "x", HostConfig: { NetworkMode: m }, NetworkingConfig: { EndpointsConfig: { [m]: {} } } }).networking;
    expect(mode("none")?.mode).toEqual({ kind: "none" });
    expect(mode("host")?.mode).toEqual({ kind: "host" });
    expect(mode("container:db")?.mode).toEqual({ kind: "container", container: "db" });
    expect(mode("bridge")?.networks).toEqual({});
    expect(mode("mynet")?.networks).toEqual({ mynet: {} });
  });

  it("refuses non-default values of fields it does not translate, naming the field", () => {
    expect(() => translateContainerCreate({ Image: "x", HostConfig: { VolumesFrom: ["other"] } })).toThrow(/HostConfig\.VolumesFrom is not supported/);
    expect(() => translateContainerCreate({ Image: "x", HostConfig: { BlkioWeight: 300 } })).toThrow(/HostConfig\.BlkioWeight/);
    expect(() => translateContainerCreate({ Image: "x", Shell: ["/bin/bash"] })).toThrow(/Config\.Shell/);
    expect(() => translateContainerCreate({ Image: "x", HostConfig: { LogConfig: { Type: "syslog" } } })).toThrow(/LogConfig\.Type "syslog"/);
    expect(() => translateContainerCreate({ Image: "x", HostConfig: { LogConfig: { Type: "json-file", Config: { compress: "true" } } } })).toThrow(/Config\.compress/);
    expect(() => translateContainerCreate({ Image: "x", HostConfig: { Mounts: [{ Type: "bind", Source: "/a", Target: "/b", BindOptions: { NonRecursive: true } }] } })).toThrow(/Mounts\[0\]\.BindOptions\.NonRecursive/);
    expect(() => translateContainerCreate({ Image: "x", HostConfig: { SecurityOpt: ["seccomp=/p.json"] } })).toThrow(/SecurityOpt/);
    expect(() => translateContainerCreate({ Image: "x", NetworkingConfig: { EndpointsConfig: { n: { DriverOpts: { a: "b" } } } } })).toThrow(/DriverOpts/);
  });

  it("reports malformed values as invalid arguments naming the field", () => {
    expect(() => translateContainerCreate({ Image: "x", Cmd: 5 })).toThrow(/Cmd: expected a list of strings/);
    expect(() => translateContainerCreate({ Image: "x", HostConfig: { Memory: "lots" } })).toThrow(/HostConfig\.Memory: expected a number/);
    expect(() => translateContainerCreate({ Cmd: ["x"] })).toThrow(/Image/);
    expect(() => translateContainerCreate({ Image: "x", HostConfig: { PortBindings: { "abc": [] } } })).toThrow(/invalid port/);
    expect(() => translateContainerCreate({ Image: "x", HostConfig: { Binds: ["/a:/b", "/c:/b"] } })).toThrow(/Duplicate mount point/);
  });

  it("parses bind specifications", () => {
    expect(parseBind("/a:/b:ro,rshared", "f")).toEqual({ type: "bind", source: "/a", target: "/b", readonly: true, createHostPath: true, propagation: "rshared" });
    expect(parseBind("vol:/b", "f")).toEqual({ type: "volume", name: "vol", target: "/b", readonly: false });
    expect(() => parseBind("/a:b", "f")).toThrow(/absolute/);
    expect(() => parseBind("/a:/b:bogus", "f")).toThrow(/bogus/);
  });
});
