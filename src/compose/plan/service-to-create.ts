import { invalidArgument } from "../../common/errors.ts";
import type { ContainerCreateBody, EndpointSettingsBody, HostConfigBody, MountBody, PortBindingBody } from "../engine-client/docker-shapes.ts";
import { containerLabels, containerName } from "../labels/index.ts";
import type { FileReferenceConfig, Project, ServiceConfig, ServiceVolumeConfig } from "../model/index.ts";
import { compareStrings } from "../../common/compare-strings.ts";

export interface CreateOptionsInput {
  /** Image ID for the `com.docker.compose.image` label; absent when not known yet. */
  readonly imageId?: string;
  /** ID of the container this one replaces (adds `com.docker.compose.replace`). */
  readonly replaces?: string;
  /** The service's resolved environment; default: `service.environment` without its unresolved (null) entries. */
  readonly environment?: Readonly<Record<string, string>>;
}

export interface CreateOptions {
  /** The container's final name (`<project>-<service>-<n>` or container_name). */
  readonly name: string;
  readonly body: ContainerCreateBody;
  /** Settings accepted but not (fully) applied, for the user. */
  readonly warnings: readonly string[];
}

/**
 * Translates one replica of a normalised service into a Docker container-create body
 * (Config + HostConfig + NetworkingConfig). Pure: references to other services' containers
 * (network_mode/ipc/pid `service:X`, volumes_from) become `container:<name of X's replica 1>`,
 * names the engine resolves at create time.
 */
export function serviceToCreateOptions(project: Project, service: ServiceConfig, number: number, input: CreateOptionsInput = {}): CreateOptions {
  const warnings: string[] = [];
  const name = containerName(project.name, service.name, number, service.container_name);
  const firstOf = (svc: string) => containerName(project.name, svc, 1, project.services[svc]?.container_name);
  const resolveMode = (mode: string | undefined) => (mode?.startsWith("service:") ? `container:${firstOf(mode.slice(8))}` : mode);

  const environment = input.environment ?? Object.fromEntries(Object.entries(service.environment).filter((e): e is [string, string] => e[1] !== null));
  const { mounts, secretWarnings } = mountsOf(project, service);
  warnings.push(...secretWarnings);
  if (service.links.length > 0) warnings.push(`service ${service.name}: links are not set up; services reach each other by service name on shared networks`);

  const networking = networkingOf(project, service, name);
  const hc = service.healthcheck;

  const hostConfig: HostConfigBody = compact({
    Mounts: mounts.length > 0 ? mounts : undefined,
    Tmpfs: service.tmpfs.length > 0 ? Object.fromEntries(service.tmpfs.map(tmpfsEntry)) : undefined,
    NetworkMode: networking.mode,
    PortBindings: service.ports.length > 0 ? portBindingsOf(service) : undefined,
    RestartPolicy: restartPolicyOf(service),
    VolumesFrom: nonEmpty(service.volumes_from.map((v) => volumesFromEntry(v, firstOf))),
    CapAdd: nonEmpty(service.cap_add),
    CapDrop: nonEmpty(service.cap_drop),
    Dns: nonEmpty(service.dns),
    DnsSearch: nonEmpty(service.dns_search),
    DnsOptions: nonEmpty(service.dns_opt),
    ExtraHosts: nonEmpty(service.extra_hosts),
    GroupAdd: nonEmpty(service.group_add),
    IpcMode: resolveMode(service.ipc),
    PidMode: resolveMode(service.pid),
    UTSMode: service.uts,
    UsernsMode: service.userns_mode,
    CgroupnsMode: service.cgroup,
    CgroupParent: service.cgroup_parent,
    Privileged: service.privileged || undefined,
    ReadonlyRootfs: service.read_only || undefined,
    SecurityOpt: nonEmpty(service.security_opt),
    ShmSize: service.shm_size,
    Sysctls: nonEmptyRecord(service.sysctls),
    Init: service.init,
    OomScoreAdj: service.oom_score_adj,
    LogConfig: service.logging?.driver !== undefined ? { Type: service.logging.driver, Config: service.logging.options } : undefined,
    Annotations: nonEmptyRecord(service.annotations),
    ...resourcesOf(service),
  });

  const body: ContainerCreateBody = compact({
    Image: service.image ?? `${project.name}-${service.name}`,
    Hostname: service.hostname,
    Domainname: service.domainname,
    User: service.user,
    AttachStdout: true,
    AttachStderr: true,
    ExposedPorts: exposedPortsOf(service),
    Tty: service.tty || undefined,
    OpenStdin: service.stdin_open || undefined,
    Env: Object.keys(environment).length > 0 ? Object.keys(environment).sort().map((k) => `${k}=${environment[k]}`) : undefined,
    Cmd: service.command,
    Entrypoint: service.entrypoint,
    Healthcheck: hc
      ? compact({ Test: hc.test, Interval: hc.interval_ns, Timeout: hc.timeout_ns, StartPeriod: hc.start_period_ns, StartInterval: hc.start_interval_ns, Retries: hc.retries })
      : undefined,
    WorkingDir: service.working_dir,
    NetworkDisabled: service.network_mode === "none" ? true : undefined,
    Labels: containerLabels(project, service, {
      number,
      ...(input.imageId !== undefined ? { imageId: input.imageId } : {}),
      ...(input.replaces !== undefined ? { replaces: input.replaces } : {}),
    }),
    StopSignal: service.stop_signal,
    StopTimeout: service.stop_grace_period_ns === undefined ? undefined : Math.ceil(service.stop_grace_period_ns / 1e9),
    HostConfig: hostConfig,
    NetworkingConfig: networking.endpoints ? { EndpointsConfig: networking.endpoints } : undefined,
  });
  return { name, body, warnings };
}

// Drops undefined members so that bodies (and their golden tests) carry only what was set.
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
const nonEmpty = <T>(a: readonly T[]): readonly T[] | undefined => (a.length > 0 ? a : undefined);
const nonEmptyRecord = <T>(r: Readonly<Record<string, T>>) => (Object.keys(r).length > 0 ? r : undefined);

function tmpfsEntry(t: string): [string, string] {
  const i = t.indexOf(":");
  return i < 0 ? [t, ""] : [t.slice(0, i), t.slice(i + 1)];
}

function volumesFromEntry(v: string, firstOf: (svc: string) => string): string {
  if (v.startsWith("container:")) return v.slice("container:".length);
  const [svc = v, mode] = v.split(":");
  return mode === undefined ? firstOf(svc) : `${firstOf(svc)}:${mode}`;
}

// Expose entries are "port", "port/proto" or "start-end[/proto]".
function exposedPortsOf(service: ServiceConfig): Record<string, Record<string, never>> | undefined {
  const out: Record<string, Record<string, never>> = {};
  for (const p of service.ports) out[`${p.target}/${p.protocol}`] = {};
  for (const e of service.expose) {
    const [range = e, proto = "tcp"] = e.split("/");
    const [start, end = start] = range.split("-").map(Number);
    if (start === undefined || end === undefined || !Number.isInteger(start) || !Number.isInteger(end)) throw invalidArgument(`service ${service.name}: invalid expose entry ${JSON.stringify(e)}`);
    for (let p = start; p <= end; p++) out[`${p}/${proto}`] = {};
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function portBindingsOf(service: ServiceConfig): Record<string, PortBindingBody[]> {
  const out: Record<string, PortBindingBody[]> = {};
  for (const p of service.ports) {
    const key = `${p.target}/${p.protocol}`;
    (out[key] ??= []).push(compact({ HostIp: p.host_ip, HostPort: p.published ?? "" }));
  }
  return out;
}

function restartPolicyOf(service: ServiceConfig): HostConfigBody["RestartPolicy"] {
  const r = service.restart;
  if (r === "always" || r === "unless-stopped") return { Name: r };
  if (r.startsWith("on-failure")) {
    const n = Number.parseInt(r.split(":")[1] ?? "", 10);
    return Number.isFinite(n) ? { Name: "on-failure", MaximumRetryCount: n } : { Name: "on-failure" };
  }
  // deploy.restart_policy applies when `restart` is not set, as compose does.
  const rp = service.deploy?.restart_policy;
  if (r === "no" && rp?.condition !== undefined) {
    if (rp.condition === "any") return { Name: "always" };
    if (rp.condition === "on-failure") return rp.max_attempts !== undefined ? { Name: "on-failure", MaximumRetryCount: rp.max_attempts } : { Name: "on-failure" };
  }
  return { Name: "no" };
}

// Service-level settings win over deploy.resources, as in compose (both may be written).
function resourcesOf(s: ServiceConfig): Partial<HostConfigBody> {
  const lim = s.deploy?.resources.limits;
  const res = s.deploy?.resources.reservations;
  const cpus = s.cpus ?? lim?.cpus;
  const devices = res?.devices ?? [];
  return {
    Memory: s.mem_limit ?? lim?.memory,
    MemoryReservation: s.mem_reservation ?? res?.memory,
    MemorySwap: s.memswap_limit,
    MemorySwappiness: s.mem_swappiness,
    NanoCpus: cpus === undefined ? undefined : Math.round(cpus * 1e9),
    CpuShares: s.cpu_shares,
    CpuQuota: s.cpu_quota,
    CpuPeriod: s.cpu_period,
    CpusetCpus: s.cpuset,
    PidsLimit: s.pids_limit ?? lim?.pids,
    OomKillDisable: s.oom_kill_disable,
    Ulimits: Object.keys(s.ulimits).length > 0 ? Object.keys(s.ulimits).sort().map((n) => ({ Name: n, Soft: s.ulimits[n]!.soft, Hard: s.ulimits[n]!.hard })) : undefined,
    Devices: s.devices.length > 0 ? s.devices.map((d) => ({ PathOnHost: d.source, PathInContainer: d.target, CgroupPermissions: d.permissions })) : undefined,
    DeviceRequests:
      devices.length > 0
        ? devices.map((d) => compact({ Driver: d.driver, Count: d.count, DeviceIDs: d.device_ids, Capabilities: [d.capabilities], Options: d.options }))
        : undefined,
  };
}

function mountsOf(project: Project, service: ServiceConfig): { mounts: MountBody[]; secretWarnings: string[] } {
  const mounts = service.volumes.map((v) => mountOf(project, v));
  const secretWarnings: string[] = [];
  const fileRefs = (refs: readonly FileReferenceConfig[], kind: "secret" | "config") => {
    const defs = kind === "secret" ? project.secrets : project.configs;
    for (const ref of refs) {
      const def = defs[ref.source];
      if (def === undefined) throw invalidArgument(`service ${service.name} refers to undefined ${kind} ${ref.source}`);
      if (def.file === undefined) {
        secretWarnings.push(`service ${service.name}: ${kind} ${ref.source} is not file-based; only file ${kind}s are mounted`);
        continue;
      }
      if (ref.uid !== undefined || ref.gid !== undefined || ref.mode !== undefined) {
        secretWarnings.push(`service ${service.name}: ${kind} ${ref.source}: uid/gid/mode are ignored for file-based ${kind}s (bind-mounted)`);
      }
      mounts.push({ Type: "bind", Source: def.file, Target: fileRefTarget(ref, kind), ReadOnly: true });
    }
  };
  fileRefs(service.secrets, "secret");
  fileRefs(service.configs, "config");
  return { mounts, secretWarnings };
}

// Secrets land in /run/secrets/<target or source>; configs at their target or /<source>.
function fileRefTarget(ref: FileReferenceConfig, kind: "secret" | "config"): string {
  const target = ref.target ?? ref.source;
  if (target.startsWith("/")) return target;
  return kind === "secret" ? `/run/secrets/${target}` : `/${target}`;
}

function mountOf(project: Project, v: ServiceVolumeConfig): MountBody {
  switch (v.type) {
    case "bind":
      return compact({
        Type: "bind",
        Source: v.source,
        Target: v.target,
        ReadOnly: v.read_only || undefined,
        Consistency: v.consistency,
        BindOptions:
          v.bind === undefined
            ? undefined
            : compact({
                Propagation: v.bind.propagation,
                CreateMountpoint: v.bind.create_host_path || undefined,
                ReadOnlyNonRecursive: v.bind.recursive === "writable" ? true : undefined,
                ReadOnlyForceRecursive: v.bind.recursive === "readonly" ? true : undefined,
                NonRecursive: v.bind.recursive === "disabled" ? true : undefined,
              }),
      });
    case "volume": {
      // A key of the project's volumes maps to its engine name; anything else is taken as a name.
      const source = v.source === undefined ? undefined : (project.volumes[v.source]?.name ?? v.source);
      const opts = v.volume === undefined ? undefined : compact({ NoCopy: v.volume.nocopy || undefined, Subpath: v.volume.subpath, Labels: v.volume.labels });
      return compact({ Type: "volume", Source: source, Target: v.target, ReadOnly: v.read_only || undefined, VolumeOptions: opts && Object.keys(opts).length > 0 ? opts : undefined });
    }
    case "tmpfs":
      return compact({ Type: "tmpfs", Target: v.target, ReadOnly: v.read_only || undefined, TmpfsOptions: v.tmpfs ? compact({ SizeBytes: v.tmpfs.size, Mode: v.tmpfs.mode }) : undefined });
    case "image":
      return compact({ Type: "image", Source: v.source, Target: v.target, ImageOptions: v.image?.subpath !== undefined ? { Subpath: v.image.subpath } : undefined });
    case "npipe":
    case "cluster":
      return compact({ Type: v.type, Source: v.source, Target: v.target, ReadOnly: v.read_only || undefined });
  }
}

/** The service's networks by priority (highest first), then key; the first one is the container's primary network. */
export function networksByPriority(service: ServiceConfig): string[] {
  return Object.keys(service.networks).sort((a, b) => service.networks[b]!.priority - service.networks[a]!.priority || compareStrings(a, b));
}

function networkingOf(project: Project, service: ServiceConfig, name: string): { mode?: string; endpoints?: Record<string, EndpointSettingsBody> } {
  if (service.network_mode !== undefined) {
    const m = service.network_mode;
    return { mode: m.startsWith("service:") ? `container:${containerName(project.name, m.slice(8), 1, project.services[m.slice(8)]?.container_name)}` : m };
  }
  const keys = networksByPriority(service);
  if (keys.length === 0) return { mode: "none" };
  const endpoints: Record<string, EndpointSettingsBody> = {};
  keys.forEach((key, i) => {
    const net = project.networks[key];
    if (net === undefined) throw invalidArgument(`service ${service.name} refers to undefined network ${key}`);
    const cfg = service.networks[key]!;
    // The service-level mac_address belongs to the primary endpoint (Engine API >= 1.44).
    const mac = cfg.mac_address ?? (i === 0 ? service.mac_address : undefined);
    const ipam = compact({ IPv4Address: cfg.ipv4_address, IPv6Address: cfg.ipv6_address, LinkLocalIPs: cfg.link_local_ips });
    endpoints[net.name] = compact({
      Aliases: [...new Set([name, service.name, ...cfg.aliases])],
      IPAMConfig: Object.keys(ipam).length > 0 ? ipam : undefined,
      MacAddress: mac,
      DriverOpts: cfg.driver_opts,
      GwPriority: cfg.gw_priority,
    });
  });
  return { mode: project.networks[keys[0]!]!.name, endpoints };
}
