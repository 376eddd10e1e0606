import type { ContainerRecord, Endpoint, MountRequest } from "../../runtime/containers/container-record.ts";
import type { EnginePaths } from "../../runtime/engine-paths.ts";
import { mergeEnv, type ImageConfig } from "../../runtime/spec/index.ts";
import { DEFAULT_NETWORK_NAME } from "./networking.ts";
import { statusText } from "./status-text.ts";

// ContainerRecord → Docker's container JSON: the list item (`/containers/json`) and the
// inspect document (`/containers/{id}/json`). Pure: lookups are passed in.

export interface ContainerJsonContext {
  readonly now: Date;
  /** The image's runtime config (undefined when the image is gone). */
  readonly image: ImageConfig | undefined;
  readonly networkId: (name: string) => string;
  readonly volumeSource: (name: string) => string;
  readonly paths?: EnginePaths;
  /** A container's writable layer (upper) and overlay work dir. */
  readonly layerDirs?: (containerId: string) => { readonly upper: string; readonly work: string };
}

interface Effective {
  readonly entrypoint: readonly string[] | null;
  readonly cmd: readonly string[] | null;
  readonly env: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly exposed: readonly string[];
  readonly volumes: readonly string[];
}

/** What the container runs with: its own settings over the image's, as Docker merges them. */
export function effectiveConfig(rec: ContainerRecord, image: ImageConfig | undefined): Effective {
  const o = rec.config.options;
  const nonEmpty = (l: readonly string[] | null | undefined) => (l && l.length > 0 && !(l.length === 1 && l[0] === "") ? l : null);
  const entrypoint = o.entrypoint !== undefined ? nonEmpty(o.entrypoint) : nonEmpty(image?.Entrypoint);
  const cmd = o.cmd && o.cmd.length > 0 ? o.cmd : o.entrypoint !== undefined ? null : nonEmpty(image?.Cmd);
  const exposed = new Set<string>([...Object.keys(image?.ExposedPorts ?? {}), ...rec.config.networking.exposedPorts]);
  for (const b of rec.config.networking.portBindings) exposed.add(`${b.containerPort}/${b.protocol}`);
  return {
    entrypoint,
    cmd,
    env: mergeEnv(image?.Env ?? [], o.env ?? []),
    labels: { ...(image?.Labels ?? {}), ...rec.config.labels },
    exposed: [...exposed],
    volumes: [...new Set([...Object.keys(image?.Volumes ?? {}), ...rec.config.mounts.filter((m) => m.type === "volume").map((m) => m.target)])],
  };
}

const toSet = (keys: readonly string[]) => (keys.length ? Object.fromEntries(keys.map((k) => [k, {}])) : null);

function networkNames(rec: ContainerRecord): string[] {
  const n = rec.config.networking;
  switch (n.mode.kind) {
    case "none":
      return ["none"];
    case "host":
      return ["host"];
    case "container":
      return [];
    case "bridge":
      return Object.keys(n.networks).length > 0 ? Object.keys(n.networks) : [DEFAULT_NETWORK_NAME];
  }
}

function endpointJson(rec: ContainerRecord, name: string, ep: Endpoint | undefined, ctx: ContainerJsonContext) {
  const req = rec.config.networking.networks[name] ?? {};
  return {
    IPAMConfig: req.ipv4Address ? { IPv4Address: req.ipv4Address } : null,
    Links: null,
    Aliases: req.aliases && req.aliases.length ? req.aliases : null,
    MacAddress: ep?.mac ?? req.macAddress ?? "",
    DriverOpts: null,
    NetworkID: ep?.network ?? ctx.networkId(name),
    EndpointID: ep ? `${ep.network.slice(0, 32)}${rec.id.slice(0, 32)}` : "",
    Gateway: ep?.gateway ?? "",
    IPAddress: ep?.ip ?? "",
    IPPrefixLen: ep?.prefixLen ?? 0,
    IPv6Gateway: "",
    GlobalIPv6Address: "",
    GlobalIPv6PrefixLen: 0,
    DNSNames: ep ? [rec.name, rec.id.slice(0, 12), ...(req.aliases ?? [])] : null,
  };
}

export function networksJson(rec: ContainerRecord, ctx: ContainerJsonContext): Record<string, ReturnType<typeof endpointJson>> {
  const out: Record<string, ReturnType<typeof endpointJson>> = {};
  const live = rec.state.endpoints;
  for (const name of networkNames(rec)) {
    const ep = live.find((e) => e.networkName === name);
    out[name] = endpointJson(rec, name, ep, ctx);
  }
  for (const ep of live) if (!out[ep.networkName]) out[ep.networkName] = endpointJson(rec, ep.networkName, ep, ctx);
  return out;
}

/** `{"80/tcp": [{HostIp, HostPort}]}`; exposed ports that are not published map to null. */
export function portMapJson(rec: ContainerRecord, exposed: readonly string[]): Record<string, { HostIp: string; HostPort: string }[] | null> {
  const out: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const k of exposed) out[k] = null;
  for (const p of rec.state.ports) {
    const k = `${p.containerPort}/${p.protocol}`;
    (out[k] ??= []).push({ HostIp: p.hostIp, HostPort: String(p.hostPort) });
  }
  return out;
}

export function mountsJson(rec: ContainerRecord, ctx: ContainerJsonContext) {
  return rec.config.mounts.map((m: MountRequest) => {
    switch (m.type) {
      case "bind":
        return { Type: "bind", Source: m.source, Destination: m.target, Mode: m.readonly ? "ro" : "", RW: !m.readonly, Propagation: m.propagation ?? "rprivate" };
      case "volume":
        return { Type: "volume", Name: m.name ?? "", Source: m.name ? ctx.volumeSource(m.name) : "", Destination: m.target, Driver: "local", Mode: m.readonly ? "ro" : "z", RW: !m.readonly, Propagation: "" };
      case "tmpfs":
        return { Type: "tmpfs", Source: "", Destination: m.target, Mode: "", RW: !m.options?.includes("ro"), Propagation: "" };
    }
  });
}

function commandText(e: Effective): string {
  return [...(e.entrypoint ?? []), ...(e.cmd ?? [])].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ");
}

export function containerListJson(rec: ContainerRecord, ctx: ContainerJsonContext) {
  const e = effectiveConfig(rec, ctx.image);
  const ports: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[] = rec.state.ports.map((p) => ({
    IP: p.hostIp,
    PrivatePort: p.containerPort,
    PublicPort: p.hostPort,
    Type: p.protocol,
  }));
  for (const k of e.exposed) {
    const [port, type = "tcp"] = k.split("/");
    if (!ports.some((p) => p.PrivatePort === Number(port) && p.Type === type)) ports.push({ PrivatePort: Number(port), Type: type });
  }
  return {
    Id: rec.id,
    Names: [`/${rec.name}`],
    Image: rec.config.image,
    ImageID: rec.config.imageId,
    Command: commandText(e),
    Created: Math.floor(Date.parse(rec.createdAt) / 1000),
    Ports: ports,
    Labels: e.labels,
    State: rec.state.status,
    Status: statusText(rec, ctx.now),
    HostConfig: { NetworkMode: networkModeText(rec) },
    NetworkSettings: { Networks: networksJson(rec, ctx) },
    Mounts: mountsJson(rec, ctx),
  };
}

export function networkModeText(rec: ContainerRecord): string {
  const n = rec.config.networking;
  switch (n.mode.kind) {
    case "none":
      return "none";
    case "host":
      return "host";
    case "container":
      return `container:${n.mode.container}`;
    case "bridge":
      return Object.keys(n.networks)[0] ?? DEFAULT_NETWORK_NAME;
  }
}

function hostConfigJson(rec: ContainerRecord) {
  const c = rec.config;
  const o = c.options;
  const r = o.resources ?? {};
  const finite = (n: number | undefined) => (n === undefined ? 0 : n === Infinity ? -1 : n);
  const binds = c.mounts.flatMap((m) =>
    m.type === "bind" ? [`${m.source}:${m.target}${m.readonly ? ":ro" : ""}`] : m.type === "volume" && m.name && !rec.anonymousVolumes.includes(m.name) ? [`${m.name}:${m.target}${m.readonly ? ":ro" : ""}`] : [],
  );
  const tmpfs = Object.fromEntries(c.mounts.flatMap((m) => (m.type === "tmpfs" ? [[m.target, [...(m.size ? [`size=${m.size}`] : []), ...(m.mode !== undefined ? [`mode=${m.mode.toString(8)}`] : []), ...(m.options ?? [])].join(",")]] : [])));
  const portBindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const b of c.networking.portBindings) {
    (portBindings[`${b.containerPort}/${b.protocol}`] ??= []).push({ HostIp: b.hostIp ?? "", HostPort: b.hostPort ? String(b.hostPort) : "" });
  }
  const logConfig: Record<string, string> = {};
  if (c.log.maxSize) logConfig["max-size"] = String(c.log.maxSize);
  if (c.log.maxFiles) logConfig["max-file"] = String(c.log.maxFiles);
  return {
    Binds: binds.length ? binds : null,
    ContainerIDFile: "",
    LogConfig: { Type: "json-file", Config: logConfig },
    NetworkMode: networkModeText(rec),
    PortBindings: portBindings,
    RestartPolicy: { Name: c.restartPolicy.name, MaximumRetryCount: c.restartPolicy.name === "on-failure" ? c.restartPolicy.maximumRetryCount : 0 },
    AutoRemove: c.autoRemove,
    VolumeDriver: "",
    VolumesFrom: null,
    CapAdd: o.capAdd ?? null,
    CapDrop: o.capDrop ?? null,
    CgroupnsMode: o.cgroupns ?? "",
    Dns: c.networking.dns ?? [],
    DnsOptions: c.networking.dnsOptions ?? [],
    DnsSearch: c.networking.dnsSearch ?? [],
    ExtraHosts: o.extraHosts ? o.extraHosts.map((h) => `${h.host}:${h.ip}`) : null,
    GroupAdd: o.groupAdd ?? null,
    IpcMode: o.ipc?.kind === "host" ? "host" : "private",
    Links: c.networking.links ?? null,
    OomScoreAdj: o.oomScoreAdj ?? 0,
    PidMode: o.pid?.kind === "host" ? "host" : "",
    Privileged: o.privileged ?? false,
    PublishAllPorts: c.networking.publishAllPorts ?? false,
    ReadonlyRootfs: o.readonlyRootfs ?? false,
    SecurityOpt: o.noNewPrivileges ? ["no-new-privileges"] : null,
    Tmpfs: Object.keys(tmpfs).length ? tmpfs : undefined,
    UTSMode: "",
    UsernsMode: "",
    ShmSize: o.shmSize ?? 64 * 1024 * 1024,
    Sysctls: o.sysctls,
    Runtime: "runc",
    Isolation: "",
    Init: c.init ? true : null,
    Memory: finite(r.memory),
    MemoryReservation: finite(r.memoryReservation),
    MemorySwap: finite(r.memorySwap),
    MemorySwappiness: null,
    NanoCpus: r.cpus ? Math.round(r.cpus * 1e9) : 0,
    CpuShares: r.cpuShares ?? 0,
    CpuPeriod: 0,
    CpuQuota: 0,
    CpusetCpus: r.cpusetCpus ?? "",
    CpusetMems: r.cpusetMems ?? "",
    PidsLimit: r.pidsLimit ?? null,
    OomKillDisable: r.oomKillDisable ?? null,
    Ulimits: o.ulimits ? o.ulimits.map((u) => ({ Name: u.name, Soft: u.soft === Infinity ? -1 : u.soft, Hard: u.hard === Infinity ? -1 : u.hard })) : null,
    Devices: [],
    Annotations: o.annotations,
  };
}

export function containerInspectJson(rec: ContainerRecord, ctx: ContainerJsonContext) {
  const e = effectiveConfig(rec, ctx.image);
  const s = rec.state;
  const o = rec.config.options;
  const argv = [...(e.entrypoint ?? []), ...(e.cmd ?? [])];
  const p = ctx.paths?.container(rec.id);
  const healthcheck = rec.config.healthcheck ?? ctx.image?.Healthcheck;
  const networks = networksJson(rec, ctx);
  const primary = Object.values(networks)[0];
  return {
    Id: rec.id,
    Created: rec.createdAt,
    Path: argv[0] ?? "",
    Args: argv.slice(1),
    State: {
      Status: s.status,
      Running: s.status === "running" || s.status === "paused",
      Paused: s.status === "paused",
      Restarting: s.status === "restarting",
      OOMKilled: s.oomKilled,
      Dead: s.status === "dead",
      Pid: s.pid,
      ExitCode: s.exitCode,
      Error: s.error,
      StartedAt: s.startedAt,
      FinishedAt: s.finishedAt,
      ...(s.health
        ? { Health: { Status: s.health.status, FailingStreak: s.health.failingStreak, Log: s.health.log.map((l) => ({ Start: l.start, End: l.end, ExitCode: l.exitCode, Output: l.output })) } }
        : {}),
    },
    Image: rec.config.imageId,
    ResolvConfPath: p?.resolvConf ?? "",
    HostnamePath: p?.hostname ?? "",
    HostsPath: p?.hosts ?? "",
    LogPath: p?.log ?? "",
    Name: `/${rec.name}`,
    RestartCount: s.restartCount,
    Driver: "overlay2",
    Platform: "linux",
    MountLabel: "",
    ProcessLabel: "",
    AppArmorProfile: "",
    ExecIDs: null,
    HostConfig: hostConfigJson(rec),
    GraphDriver: { Name: "overlay2", Data: graphDriverData(ctx.layerDirs?.(rec.id), p?.rootfs) },
    Mounts: mountsJson(rec, ctx),
    Config: {
      Hostname: o.hostname || rec.id.slice(0, 12),
      Domainname: o.domainname ?? "",
      User: o.user ?? ctx.image?.User ?? "",
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      ExposedPorts: toSet(e.exposed),
      Tty: o.tty ?? false,
      OpenStdin: o.openStdin ?? false,
      StdinOnce: false,
      Env: e.env,
      Cmd: e.cmd,
      ...(healthcheck ? { Healthcheck: healthcheck } : {}),
      Image: rec.config.image,
      Volumes: toSet(e.volumes),
      WorkingDir: o.workingDir ?? ctx.image?.WorkingDir ?? "",
      Entrypoint: e.entrypoint,
      OnBuild: null,
      Labels: e.labels,
      ...(o.stopSignal ?? ctx.image?.StopSignal ? { StopSignal: o.stopSignal ?? ctx.image?.StopSignal } : {}),
      ...(rec.config.stopTimeoutSeconds !== undefined ? { StopTimeout: rec.config.stopTimeoutSeconds } : {}),
    },
    NetworkSettings: {
      Bridge: "",
      SandboxID: s.netnsPath ? rec.id : "",
      SandboxKey: s.netnsPath ?? "",
      Ports: portMapJson(rec, e.exposed),
      HairpinMode: false,
      LinkLocalIPv6Address: "",
      LinkLocalIPv6PrefixLen: 0,
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: primary?.EndpointID ?? "",
      Gateway: primary?.Gateway ?? "",
      GlobalIPv6Address: "",
      GlobalIPv6PrefixLen: 0,
      IPAddress: primary?.IPAddress ?? "",
      IPPrefixLen: primary?.IPPrefixLen ?? 0,
      IPv6Gateway: "",
      MacAddress: primary?.MacAddress ?? "",
      Networks: networks,
    },
  };
}

function graphDriverData(layer: { readonly upper: string; readonly work: string } | undefined, merged: string | undefined): Record<string, string> {
  return {
    ...(layer ? { UpperDir: layer.upper, WorkDir: layer.work } : {}),
    ...(merged !== undefined ? { MergedDir: merged } : {}),
  };
}
