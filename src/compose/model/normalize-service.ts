import type { TreePath } from "../validate/input.ts";
import { defined, dictOf, extensionsOf, isObj, listAt, objAt, optString, stringDictOf, stringListOf } from "./field-readers.ts";
import type { NormalizeContext } from "./normalize-context.ts";
import { fail, ok } from "./parse-result.ts";
import { parsePortLong, parsePortShort } from "./ports.ts";
import { toBool, toBytes, toDurationNs, toInt, toNumber } from "./scalars.ts";
import { parseVolumeShort } from "./service-volumes.ts";
import { splitShellWords } from "./shell-words.ts";
import type {
  BuildConfig,
  DeployConfig,
  DeviceRequest,
  EnvFileConfig,
  FileReferenceConfig,
  HealthcheckConfig,
  PortConfig,
  ResourcesConfig,
  ServiceConfig,
  ServiceDependency,
  ServiceHook,
  ServiceNetworkConfig,
  ServiceVolumeConfig,
  UlimitConfig,
  WatchRule,
} from "./types.ts";

type Raw = Readonly<Record<string, unknown>>;

// Keys the typed ServiceConfig models; every other non-x- key is kept verbatim in `other`.
const MODELLED = new Set([
  "image", "build", "pull_policy", "platform", "command", "entrypoint", "environment", "env_file", "labels",
  "annotations", "ports", "expose", "volumes", "volumes_from", "tmpfs", "network_mode", "networks", "depends_on",
  "links", "external_links", "healthcheck", "scale", "deploy", "restart", "stop_grace_period", "stop_signal", "user",
  "working_dir", "hostname", "domainname", "container_name", "mac_address", "privileged", "read_only", "tty",
  "stdin_open", "init", "cap_add", "cap_drop", "security_opt", "sysctls", "ulimits", "dns", "dns_search", "dns_opt",
  "extra_hosts", "devices", "group_add", "ipc", "pid", "uts", "userns_mode", "cgroup", "cgroup_parent", "cpus",
  "cpu_shares", "cpu_quota", "cpu_period", "cpuset", "mem_limit", "mem_reservation", "memswap_limit",
  "mem_swappiness", "pids_limit", "shm_size", "oom_kill_disable", "oom_score_adj", "logging", "secrets", "configs",
  "develop", "post_start", "pre_stop", "profiles",
]);

export function normalizeService(ctx: NormalizeContext, name: string, raw: Raw): ServiceConfig {
  const base: TreePath = ["services", name];
  const at = (...p: (string | number)[]): TreePath => [...base, ...p];
  const networkMode = optString(raw.network_mode);
  const deploy = raw.deploy === undefined || raw.deploy === null ? undefined : normalizeDeploy(objAt(raw.deploy));
  const replicas = toInt(objAt(raw.deploy).replicas);
  const other = Object.fromEntries(Object.entries(raw).filter(([k]) => !MODELLED.has(k) && !k.startsWith("x-")));

  return defined({
    name,
    image: optString(raw.image),
    build: raw.build === undefined ? undefined : normalizeBuild(ctx, raw.build),
    pull_policy: optString(raw.pull_policy),
    platform: optString(raw.platform),
    command: commandOf(ctx, raw.command, at("command")),
    entrypoint: commandOf(ctx, raw.entrypoint, at("entrypoint")),
    environment: dictOf(raw.environment),
    env_file: envFilesOf(ctx, raw.env_file),
    labels: stringDictOf(raw.labels),
    annotations: stringDictOf(raw.annotations),
    ports: listAt(raw.ports).flatMap((p, i): readonly PortConfig[] =>
      isObj(p) ? [ctx.must(parsePortLong(p), at("ports", i))] : ctx.must(parsePortShort(p as string | number), at("ports", i)),
    ),
    expose: stringListOf(raw.expose),
    volumes: listAt(raw.volumes).map((v, i) => normalizeMount(ctx, v, at("volumes", i))),
    volumes_from: stringListOf(raw.volumes_from),
    tmpfs: stringListOf(raw.tmpfs),
    network_mode: networkMode,
    networks: networkMode !== undefined ? {} : networksOf(raw.networks),
    depends_on: dependsOnOf(raw.depends_on),
    links: stringListOf(raw.links),
    external_links: stringListOf(raw.external_links),
    healthcheck: raw.healthcheck === undefined ? undefined : healthcheckOf(ctx, objAt(raw.healthcheck), at("healthcheck")),
    // `scale` wins over deploy.replicas (validation rejects distinct values); 1 by default.
    scale: toInt(raw.scale) ?? replicas ?? 1,
    deploy,
    restart: optString(raw.restart) ?? "no",
    stop_grace_period_ns: toDurationNs(raw.stop_grace_period),
    stop_signal: optString(raw.stop_signal),
    user: optString(raw.user),
    working_dir: optString(raw.working_dir),
    hostname: optString(raw.hostname),
    domainname: optString(raw.domainname),
    container_name: optString(raw.container_name),
    mac_address: optString(raw.mac_address),
    privileged: toBool(raw.privileged) ?? false,
    read_only: toBool(raw.read_only) ?? false,
    tty: toBool(raw.tty) ?? false,
    stdin_open: toBool(raw.stdin_open) ?? false,
    init: toBool(raw.init),
    cap_add: stringListOf(raw.cap_add),
    cap_drop: stringListOf(raw.cap_drop),
    security_opt: stringListOf(raw.security_opt),
    sysctls: stringDictOf(raw.sysctls),
    ulimits: ulimitsOf(raw.ulimits),
    dns: stringListOf(raw.dns),
    dns_search: stringListOf(raw.dns_search),
    dns_opt: stringListOf(raw.dns_opt),
    extra_hosts: extraHostsOf(raw.extra_hosts),
    devices: listAt(raw.devices).map((d) => {
      if (isObj(d)) {
        const source = String(d.source);
        return { source, target: optString(d.target) ?? source, permissions: optString(d.permissions) ?? "rwm" };
      }
      const [source = "", target, permissions] = String(d).split(":");
      return { source, target: target ?? source, permissions: permissions ?? "rwm" };
    }),
    group_add: stringListOf(raw.group_add),
    ipc: optString(raw.ipc),
    pid: optString(raw.pid),
    uts: optString(raw.uts),
    userns_mode: optString(raw.userns_mode),
    cgroup: raw.cgroup === "host" || raw.cgroup === "private" ? raw.cgroup : undefined,
    cgroup_parent: optString(raw.cgroup_parent),
    cpus: toNumber(raw.cpus),
    cpu_shares: toNumber(raw.cpu_shares),
    cpu_quota: toNumber(raw.cpu_quota),
    cpu_period: toNumber(raw.cpu_period),
    cpuset: optString(raw.cpuset),
    mem_limit: toBytes(raw.mem_limit),
    mem_reservation: toBytes(raw.mem_reservation),
    memswap_limit: toBytes(raw.memswap_limit),
    mem_swappiness: toInt(raw.mem_swappiness),
    pids_limit: toInt(raw.pids_limit),
    shm_size: toBytes(raw.shm_size),
    oom_kill_disable: toBool(raw.oom_kill_disable),
    oom_score_adj: toInt(raw.oom_score_adj),
    logging: isObj(raw.logging)
      ? defined({ driver: optString(raw.logging.driver), options: stringDictOf(raw.logging.options) })
      : undefined,
    secrets: fileRefsOf(raw.secrets),
    configs: fileRefsOf(raw.configs),
    develop: isObj(raw.develop) ? { watch: listAt(raw.develop.watch).map((w, i) => watchRuleOf(ctx, objAt(w), at("develop", "watch", i))) } : undefined,
    post_start: listAt(raw.post_start).map((h, i) => hookOf(ctx, objAt(h), at("post_start", i))),
    pre_stop: listAt(raw.pre_stop).map((h, i) => hookOf(ctx, objAt(h), at("pre_stop", i))),
    profiles: stringListOf(raw.profiles),
    other,
    extensions: extensionsOf(raw),
  } satisfies Record<keyof ServiceConfig, unknown>) as ServiceConfig;
}

function commandOf(ctx: NormalizeContext, v: unknown, path: TreePath): readonly string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return ctx.must(splitShellWords(v), path);
  return stringListOf(v);
}

function isRemoteContext(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith("git@") || s.startsWith("github.com/");
}

function normalizeBuild(ctx: NormalizeContext, v: unknown): BuildConfig {
  const raw = typeof v === "string" ? { context: v } : objAt(v);
  const context = optString(raw.context) ?? ".";
  const known = new Set([
    "context", "dockerfile", "dockerfile_inline", "args", "labels", "target", "tags", "cache_from", "cache_to",
    "no_cache", "pull", "network", "platforms", "additional_contexts",
  ]);
  const inline = optString(raw.dockerfile_inline);
  return defined({
    context: isRemoteContext(context) ? context : ctx.resolvePath(context),
    dockerfile: optString(raw.dockerfile) ?? (inline === undefined ? "Dockerfile" : undefined),
    dockerfile_inline: inline,
    args: dictOf(raw.args),
    labels: stringDictOf(raw.labels),
    target: optString(raw.target),
    tags: stringListOf(raw.tags),
    cache_from: stringListOf(raw.cache_from),
    cache_to: stringListOf(raw.cache_to),
    no_cache: toBool(raw.no_cache) ?? false,
    pull: toBool(raw.pull) ?? false,
    network: optString(raw.network),
    platforms: stringListOf(raw.platforms),
    additional_contexts: Object.fromEntries(
      Object.entries(stringDictOf(raw.additional_contexts)).map(([k, p]) => [
        k,
        isRemoteContext(p) || /^[a-z-]+-image:|^docker-image:|^service:|^oci-layout:/.test(p) ? p : ctx.resolvePath(p),
      ]),
    ),
    other: Object.fromEntries(Object.entries(raw).filter(([k]) => !known.has(k))),
  });
}

function envFilesOf(ctx: NormalizeContext, v: unknown): EnvFileConfig[] {
  const items = typeof v === "string" ? [v] : listAt(v);
  return items.map((e) => {
    if (typeof e === "string") return { path: ctx.resolvePath(e), required: true };
    const o = objAt(e);
    return defined({ path: ctx.resolvePath(String(o.path)), required: toBool(o.required) ?? true, format: optString(o.format) });
  });
}

function normalizeMount(ctx: NormalizeContext, v: unknown, path: TreePath): ServiceVolumeConfig {
  if (typeof v === "string") {
    const m = ctx.must(parseVolumeShort(v), path);
    return m.type === "bind" && m.source !== undefined ? { ...m, source: ctx.resolvePath(m.source) } : m;
  }
  const o = objAt(v);
  const type = String(o.type) as ServiceVolumeConfig["type"];
  let source = optString(o.source);
  if (source === "") source = undefined;
  if (type === "bind" && source !== undefined) source = ctx.resolvePath(source);
  const bind = objAt(o.bind);
  const vol = objAt(o.volume);
  const tmpfs = objAt(o.tmpfs);
  const mode = tmpfs.mode === undefined ? undefined : typeof tmpfs.mode === "number" ? tmpfs.mode : Number.parseInt(String(tmpfs.mode), 8);
  return defined({
    type,
    source,
    target: String(o.target),
    read_only: toBool(o.read_only) ?? false,
    consistency: optString(o.consistency),
    bind:
      type === "bind"
        ? defined({
            propagation: optString(bind.propagation),
            create_host_path: toBool(bind.create_host_path) ?? false,
            selinux: bind.selinux === "z" || bind.selinux === "Z" ? bind.selinux : undefined,
            recursive: optString(bind.recursive) as NonNullable<ServiceVolumeConfig["bind"]>["recursive"],
          })
        : undefined,
    volume:
      type === "volume"
        ? defined({
            nocopy: toBool(vol.nocopy) ?? false,
            subpath: optString(vol.subpath),
            labels: vol.labels === undefined ? undefined : stringDictOf(vol.labels),
          })
        : undefined,
    tmpfs: type === "tmpfs" && (tmpfs.size !== undefined || mode !== undefined) ? defined({ size: toBytes(tmpfs.size), mode }) : undefined,
    image: type === "image" && o.image !== undefined ? defined({ subpath: optString(objAt(o.image).subpath) }) : undefined,
  }) as ServiceVolumeConfig;
}

function networksOf(v: unknown): Record<string, ServiceNetworkConfig> {
  const out: Record<string, ServiceNetworkConfig> = {};
  if (Array.isArray(v)) for (const n of v) out[String(n)] = { aliases: [], priority: 0 };
  else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      const o = objAt(x);
      out[k] = defined({
        aliases: stringListOf(o.aliases),
        ipv4_address: optString(o.ipv4_address),
        ipv6_address: optString(o.ipv6_address),
        link_local_ips: o.link_local_ips === undefined ? undefined : stringListOf(o.link_local_ips),
        mac_address: optString(o.mac_address),
        interface_name: optString(o.interface_name),
        driver_opts: o.driver_opts === undefined ? undefined : stringDictOf(o.driver_opts),
        priority: toNumber(o.priority) ?? 0,
        gw_priority: toNumber(o.gw_priority),
      });
    }
  }
  // A service on no network joins the project's default network, as in compose.
  if (Object.keys(out).length === 0) out.default = { aliases: [], priority: 0 };
  return out;
}

function dependsOnOf(v: unknown): Record<string, ServiceDependency> {
  const out: Record<string, ServiceDependency> = {};
  if (Array.isArray(v)) for (const s of v) out[String(s)] = { condition: "service_started", required: true, restart: false };
  else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      const o = objAt(x);
      out[k] = {
        condition: (optString(o.condition) ?? "service_started") as ServiceDependency["condition"],
        required: toBool(o.required) ?? true,
        restart: toBool(o.restart) ?? false,
      };
    }
  }
  return out;
}

function healthcheckOf(ctx: NormalizeContext, o: Raw, path: TreePath): HealthcheckConfig {
  let test: readonly string[] | undefined;
  if (toBool(o.disable) === true) test = ["NONE"];
  else if (typeof o.test === "string") test = ["CMD-SHELL", o.test];
  else if (Array.isArray(o.test)) test = stringListOf(o.test);
  const dur = (k: string) => {
    if (o[k] === undefined) return undefined;
    const ns = toDurationNs(o[k]);
    return ctx.must(ns === undefined ? fail(`invalid duration ${JSON.stringify(o[k])}`) : ok(ns), [...path, k]);
  };
  const retries = toNumber(o.retries);
  return defined({
    test,
    interval_ns: dur("interval"),
    timeout_ns: dur("timeout"),
    start_period_ns: dur("start_period"),
    start_interval_ns: dur("start_interval"),
    retries: retries === undefined ? undefined : Math.trunc(retries),
  });
}

function resourcesOf(o: Raw): ResourcesConfig {
  return defined({
    cpus: toNumber(o.cpus),
    memory: toBytes(o.memory),
    pids: toInt(o.pids),
    devices: o.devices === undefined ? undefined : listAt(o.devices).map((d) => deviceRequestOf(objAt(d))),
    generic_resources: o.generic_resources === undefined ? undefined : listAt(o.generic_resources),
  });
}

function deviceRequestOf(o: Raw): DeviceRequest {
  return defined({
    capabilities: stringListOf(o.capabilities),
    count: o.count === "all" ? -1 : toInt(o.count),
    device_ids: o.device_ids === undefined ? undefined : stringListOf(o.device_ids),
    driver: optString(o.driver),
    options: o.options === undefined ? undefined : stringDictOf(o.options),
  });
}

function normalizeDeploy(o: Raw): DeployConfig {
  const res = objAt(o.resources);
  const rp = isObj(o.restart_policy) ? o.restart_policy : undefined;
  const handled = new Set(["mode", "labels", "resources", "restart_policy", "replicas"]);
  return defined({
    mode: optString(o.mode),
    labels: stringDictOf(o.labels),
    resources: defined({
      limits: isObj(res.limits) ? resourcesOf(res.limits) : undefined,
      reservations: isObj(res.reservations) ? resourcesOf(res.reservations) : undefined,
    }),
    restart_policy: rp
      ? defined({
          condition: optString(rp.condition),
          delay_ns: toDurationNs(rp.delay),
          max_attempts: toInt(rp.max_attempts),
          window_ns: toDurationNs(rp.window),
        })
      : undefined,
    other: Object.fromEntries(Object.entries(o).filter(([k]) => !handled.has(k))),
  });
}

function ulimitsOf(v: unknown): Record<string, UlimitConfig> {
  const out: Record<string, UlimitConfig> = {};
  for (const [k, x] of Object.entries(objAt(v))) {
    if (isObj(x)) out[k] = { soft: toInt(x.soft) ?? 0, hard: toInt(x.hard) ?? 0 };
    else {
      const n = toInt(x) ?? 0;
      out[k] = { soft: n, hard: n };
    }
  }
  return out;
}

// Both `host: ip` / `host=ip` and `host:ip` become Docker's "host:ip" (one entry per IP).
function extraHostsOf(v: unknown): string[] {
  if (isObj(v)) return Object.entries(v).flatMap(([h, ips]) => stringListOf(ips).map((ip) => `${h}:${ip}`));
  return stringListOf(v).map((e) => {
    const eq = e.indexOf("=");
    if (eq >= 0) return `${e.slice(0, eq)}:${e.slice(eq + 1)}`;
    return e;
  });
}

function fileRefsOf(v: unknown): FileReferenceConfig[] {
  return listAt(v).map((r) => {
    if (typeof r === "string") return { source: r };
    const o = objAt(r);
    const mode = o.mode === undefined ? undefined : typeof o.mode === "number" ? o.mode : Number.parseInt(String(o.mode), 8);
    return defined({ source: String(o.source), target: optString(o.target), uid: optString(o.uid), gid: optString(o.gid), mode });
  });
}

function hookOf(ctx: NormalizeContext, o: Raw, path: TreePath): ServiceHook {
  return defined({
    command: commandOf(ctx, o.command, [...path, "command"]) ?? [],
    user: optString(o.user),
    privileged: toBool(o.privileged) ?? false,
    working_dir: optString(o.working_dir),
    environment: dictOf(o.environment),
  });
}

function watchRuleOf(ctx: NormalizeContext, o: Raw, path: TreePath): WatchRule {
  return defined({
    path: ctx.resolvePath(String(o.path)),
    action: String(o.action) as WatchRule["action"],
    target: optString(o.target),
    ignore: stringListOf(o.ignore),
    include: stringListOf(o.include),
    initial_sync: toBool(o.initial_sync) ?? false,
    exec: isObj(o.exec) ? hookOf(ctx, o.exec, [...path, "exec"]) : undefined,
  });
}
