import { invalidArgument, unimplemented } from "../../common/errors.ts";
import type { CreateContainerRequest } from "../../runtime/containers/create-container.ts";
import type { LogConfig, MountRequest } from "../../runtime/containers/container-record.ts";
import { parseRestartPolicy, type RestartPolicy } from "../../runtime/containers/restart-policy.ts";
import type { ContainerCreateOptions, ExtraHost, ImageHealthcheck, NamespaceMode, Resources, RlimitName, Ulimit } from "../../runtime/spec/index.ts";
import { asObj, bool, list, num, obj, str, strList, strMap, type Json } from "./field-readers.ts";
import { parseBind, parseMount, parseTmpfs } from "./mounts.ts";
import { parseNetworking } from "./networking.ts";
import { parseSize } from "./units.ts";
import { isZeroValue } from "./zero-value.ts";

// Docker's ContainerCreate body (Config at the top level, HostConfig, NetworkingConfig) →
// the engine's CreateContainerRequest. Pure. Every field is translated, knowingly ignored
// (client-side only), or refused when it carries a non-default value: never silently dropped.

/** Config fields with a native meaning. */
export const TRANSLATED_CONFIG_FIELDS = [
  "Image", "Cmd", "Entrypoint", "Env", "WorkingDir", "User", "Labels", "Tty", "OpenStdin", "ExposedPorts",
  "Healthcheck", "StopSignal", "StopTimeout", "Hostname", "Domainname", "Volumes", "NetworkDisabled", "MacAddress",
  "HostConfig", "NetworkingConfig",
] as const;

/** Config fields that only steer the client (what it attaches to), are Windows-only, or (`name`) are
 * dockerode's copy of the `?name=` query parameter. */
export const IGNORED_CONFIG_FIELDS = ["AttachStdin", "AttachStdout", "AttachStderr", "StdinOnce", "ArgsEscaped", "name"] as const;

export const TRANSLATED_HOST_CONFIG_FIELDS = [
  "Binds", "Mounts", "Tmpfs", "PortBindings", "PublishAllPorts", "RestartPolicy", "Memory", "MemorySwap",
  "MemoryReservation", "MemorySwappiness", "NanoCpus", "CpuShares", "CpuQuota", "CpuPeriod", "CpusetCpus", "CpusetMems",
  "PidsLimit", "OomKillDisable", "CapAdd", "CapDrop", "Privileged", "ReadonlyRootfs", "Init", "ShmSize", "Sysctls",
  "Ulimits", "ExtraHosts", "Dns", "DnsSearch", "DnsOptions", "NetworkMode", "LogConfig", "AutoRemove", "SecurityOpt",
  "GroupAdd", "OomScoreAdj", "Links", "Annotations", "PidMode", "IpcMode", "CgroupnsMode", "Isolation", "VolumeDriver",
  "Runtime",
] as const;

/** HostConfig fields of the client only: the console size is applied by its resize call. */
export const IGNORED_HOST_CONFIG_FIELDS = ["ConsoleSize", "ContainerIDFile"] as const;

const RLIMITS: readonly string[] = ["as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack"];

function rejectUnknown(o: Json, known: readonly string[], prefix: string): void {
  for (const [k, v] of Object.entries(o)) {
    if (known.includes(k)) continue;
    if (!isZeroValue(v)) throw unimplemented(`${prefix}${k} is not supported by tstack`);
  }
}

function parseHealthcheck(config: Json): ImageHealthcheck | undefined {
  const h = obj(config, "Healthcheck", "Healthcheck");
  if (!h) return undefined;
  rejectUnknown(h, ["Test", "Interval", "Timeout", "StartPeriod", "StartInterval", "Retries"], "Healthcheck.");
  const test = strList(h, "Test", "Healthcheck.Test");
  const out: Record<string, unknown> = {};
  if (test && test.length > 0) out["Test"] = test;
  for (const k of ["Interval", "Timeout", "StartPeriod", "StartInterval", "Retries"]) {
    const v = num(h, k, `Healthcheck.${k}`);
    if (v !== undefined && v < 0) throw invalidArgument(`Healthcheck.${k} must not be negative`);
    if (v) out[k] = v;
  }
  return Object.keys(out).length > 0 ? (out as ImageHealthcheck) : undefined;
}

function parseResources(hc: Json): Resources | undefined {
  const r: { -readonly [K in keyof Resources]: Resources[K] } = {};
  const n = (k: string) => num(hc, k, `HostConfig.${k}`);
  const memory = n("Memory");
  if (memory && memory > 0) r.memory = memory;
  const swap = n("MemorySwap");
  if (swap === -1) r.memorySwap = Infinity;
  else if (swap && swap > 0) r.memorySwap = swap;
  const reservation = n("MemoryReservation");
  if (reservation && reservation > 0) r.memoryReservation = reservation;
  const swappiness = n("MemorySwappiness");
  if (swappiness !== undefined && swappiness !== -1) throw unimplemented("HostConfig.MemorySwappiness is not supported by tstack");
  const nano = n("NanoCpus") ?? 0;
  const quota = n("CpuQuota") ?? 0;
  const period = n("CpuPeriod") ?? 0;
  if (nano > 0 && (quota > 0 || period > 0)) throw invalidArgument("Conflicting options: HostConfig.NanoCpus and HostConfig.CpuPeriod/CpuQuota cannot both be set");
  if (nano > 0) r.cpus = nano / 1e9;
  else if (quota > 0) r.cpus = quota / (period > 0 ? period : 100_000);
  else if (period > 0) throw unimplemented("HostConfig.CpuPeriod without HostConfig.CpuQuota is not supported by tstack");
  const shares = n("CpuShares");
  if (shares && shares > 0) r.cpuShares = shares;
  const cpuset = str(hc, "CpusetCpus", "HostConfig.CpusetCpus");
  if (cpuset) r.cpusetCpus = cpuset;
  const mems = str(hc, "CpusetMems", "HostConfig.CpusetMems");
  if (mems) r.cpusetMems = mems;
  const pids = n("PidsLimit");
  if (pids && pids > 0) r.pidsLimit = pids;
  if (bool(hc, "OomKillDisable", "HostConfig.OomKillDisable")) r.oomKillDisable = true;
  return Object.keys(r).length > 0 ? r : undefined;
}

function parseUlimits(hc: Json): Ulimit[] {
  return (list(hc, "Ulimits", "HostConfig.Ulimits") ?? []).map((raw, i) => {
    const field = `HostConfig.Ulimits[${i}]`;
    const u = asObj(raw, field);
    const name = str(u, "Name", `${field}.Name`) ?? "";
    if (!RLIMITS.includes(name)) throw invalidArgument(`${field}.Name: unknown ulimit ${JSON.stringify(name)}`);
    const lim = (k: string) => {
      const v = num(u, k, `${field}.${k}`) ?? 0;
      return v < 0 ? Infinity : v;
    };
    return { name: name as RlimitName, soft: lim("Soft"), hard: lim("Hard") };
  });
}

function parseExtraHosts(hc: Json): ExtraHost[] {
  return (strList(hc, "ExtraHosts", "HostConfig.ExtraHosts") ?? []).map((e) => {
    const i = e.search(/[:=]/);
    if (i <= 0) throw invalidArgument(`HostConfig.ExtraHosts: invalid entry ${JSON.stringify(e)}: expected host:ip`);
    const host = e.slice(0, i);
    const ip = e.slice(i + 1).replace(/^\[(.*)\]$/, "$1");
    if (ip === "host-gateway") throw unimplemented(`HostConfig.ExtraHosts: host-gateway (${e}) is not supported by tstack`);
    if (!ip) throw invalidArgument(`HostConfig.ExtraHosts: invalid entry ${JSON.stringify(e)}: no address`);
    return { host, ip };
  });
}

export function parseLogConfig(hc: Json): LogConfig {
  const lc = obj(hc, "LogConfig", "HostConfig.LogConfig") ?? {};
  rejectUnknown(lc, ["Type", "Config"], "HostConfig.LogConfig.");
  const type = str(lc, "Type", "HostConfig.LogConfig.Type") ?? "";
  if (!["", "json-file", "local"].includes(type)) {
    throw unimplemented(`HostConfig.LogConfig.Type ${JSON.stringify(type)} is not supported by tstack (json-file, local)`);
  }
  const cfg = strMap(lc, "Config", "HostConfig.LogConfig.Config") ?? {};
  const out: { maxSize?: number; maxFiles?: number } = {};
  for (const [k, v] of Object.entries(cfg)) {
    if (k === "max-size") {
      if (v !== "" && v !== "-1") out.maxSize = parseSize(v, "HostConfig.LogConfig.Config.max-size");
    } else if (k === "max-file") {
      if (!/^\d+$/.test(v) || Number(v) < 1) throw invalidArgument(`HostConfig.LogConfig.Config.max-file: invalid value ${JSON.stringify(v)}`);
      out.maxFiles = Number(v);
    } else if (k === "mode" && (v === "" || v === "blocking")) continue;
    else throw unimplemented(`HostConfig.LogConfig.Config.${k} is not supported by tstack (max-size, max-file)`);
  }
  return out;
}

function parseSecurityOpt(hc: Json): { noNewPrivileges?: boolean } {
  let nnp: boolean | undefined;
  for (const o of strList(hc, "SecurityOpt", "HostConfig.SecurityOpt") ?? []) {
    const m = /^no-new-privileges(?:[:=](true|false))?$/.exec(o);
    if (m) nnp = m[1] !== "false";
    // tstack sets no seccomp, AppArmor or SELinux profile: asking for none is what it does.
    else if (["seccomp=unconfined", "seccomp:unconfined", "apparmor=unconfined", "apparmor:unconfined", "label=disable", "label:disable"].includes(o)) continue;
    else throw unimplemented(`HostConfig.SecurityOpt ${JSON.stringify(o)} is not supported by tstack`);
  }
  return nnp === undefined ? {} : { noNewPrivileges: nnp };
}

function namespaceMode(hc: Json, key: string, allowedPrivate: readonly string[]): NamespaceMode | undefined {
  const v = str(hc, key, `HostConfig.${key}`) ?? "";
  if (allowedPrivate.includes(v)) return undefined;
  if (v === "host") return { kind: "host" };
  throw unimplemented(`HostConfig.${key} ${JSON.stringify(v)} is not supported by tstack (private or host)`);
}

function parseRestart(hc: Json): RestartPolicy | undefined {
  const rp = obj(hc, "RestartPolicy", "HostConfig.RestartPolicy");
  if (!rp) return undefined;
  const name = str(rp, "Name", "HostConfig.RestartPolicy.Name") ?? "";
  const max = num(rp, "MaximumRetryCount", "HostConfig.RestartPolicy.MaximumRetryCount") ?? 0;
  if (name !== "on-failure" && max !== 0) throw invalidArgument(`HostConfig.RestartPolicy: maximum retry count applies only to on-failure`);
  return parseRestartPolicy(name === "on-failure" && max > 0 ? `on-failure:${max}` : name);
}

/** Translates a ContainerCreate body; `name` is the `?name=` query parameter. */
export function translateContainerCreate(body: unknown, name?: string): CreateContainerRequest {
  const config = asObj(body ?? {}, "body");
  rejectUnknown(config, [...TRANSLATED_CONFIG_FIELDS, ...IGNORED_CONFIG_FIELDS], "Config.");
  const hc = obj(config, "HostConfig", "HostConfig") ?? {};
  rejectUnknown(hc, [...TRANSLATED_HOST_CONFIG_FIELDS, ...IGNORED_HOST_CONFIG_FIELDS], "HostConfig.");
  const networkingConfig = obj(config, "NetworkingConfig", "NetworkingConfig");
  if (networkingConfig) rejectUnknown(networkingConfig, ["EndpointsConfig"], "NetworkingConfig.");

  const image = str(config, "Image", "Image") ?? "";
  if (!image) throw invalidArgument("Image: no image given");

  for (const [key, ok] of [["Isolation", ["", "default"]], ["VolumeDriver", ["", "local"]], ["Runtime", ["", "runc"]]] as const) {
    const v = str(hc, key, `HostConfig.${key}`) ?? "";
    if (!(ok as readonly string[]).includes(v)) throw unimplemented(`HostConfig.${key} ${JSON.stringify(v)} is not supported by tstack`);
  }
  const cgroupns = str(hc, "CgroupnsMode", "HostConfig.CgroupnsMode") ?? "";
  if (!["", "private", "host"].includes(cgroupns)) throw invalidArgument(`HostConfig.CgroupnsMode: invalid value ${JSON.stringify(cgroupns)}`);

  const mounts: MountRequest[] = [
    ...(strList(hc, "Binds", "HostConfig.Binds") ?? []).map((b, i) => parseBind(b, `HostConfig.Binds[${i}]`)),
    ...(list(hc, "Mounts", "HostConfig.Mounts") ?? []).map((m, i) => parseMount(m, `HostConfig.Mounts[${i}]`)),
    ...parseTmpfs(hc, "HostConfig.Tmpfs"),
  ];
  for (const target of Object.keys(obj(config, "Volumes", "Volumes") ?? {})) {
    if (!target.startsWith("/")) throw invalidArgument(`Volumes: invalid mount path ${JSON.stringify(target)}: it must be absolute`);
    if (!mounts.some((m) => m.target === target)) mounts.push({ type: "volume", target });
  }
  const seen = new Set<string>();
  for (const m of mounts) {
    if (seen.has(m.target)) throw invalidArgument(`Duplicate mount point: ${m.target}`);
    seen.add(m.target);
  }

  const pid = namespaceMode(hc, "PidMode", [""]);
  const ipc = namespaceMode(hc, "IpcMode", ["", "private", "shareable"]);
  const shm = num(hc, "ShmSize", "HostConfig.ShmSize");
  const oom = num(hc, "OomScoreAdj", "HostConfig.OomScoreAdj");
  const resources = parseResources(hc);
  const ulimits = parseUlimits(hc);
  const extraHosts = parseExtraHosts(hc);
  const sysctls = strMap(hc, "Sysctls", "HostConfig.Sysctls");
  const annotations = strMap(hc, "Annotations", "HostConfig.Annotations");
  const entrypoint = strList(config, "Entrypoint", "Entrypoint");
  const cmd = strList(config, "Cmd", "Cmd");
  const env = strList(config, "Env", "Env");
  const groupAdd = strList(hc, "GroupAdd", "HostConfig.GroupAdd");
  const capAdd = strList(hc, "CapAdd", "HostConfig.CapAdd");
  const capDrop = strList(hc, "CapDrop", "HostConfig.CapDrop");
  const opt = (k: string, field = k) => str(config, k, field) || undefined;
  const options: Omit<ContainerCreateOptions, "mounts" | "init" | "network"> = {
    ...(entrypoint ? { entrypoint } : {}),
    ...(cmd && cmd.length ? { cmd } : {}),
    ...(env && env.length ? { env } : {}),
    ...(opt("WorkingDir") ? { workingDir: opt("WorkingDir")! } : {}),
    ...(opt("User") ? { user: opt("User")! } : {}),
    ...(groupAdd && groupAdd.length ? { groupAdd } : {}),
    ...(opt("Hostname") ? { hostname: opt("Hostname")! } : {}),
    ...(opt("Domainname") ? { domainname: opt("Domainname")! } : {}),
    ...(bool(config, "Tty", "Tty") ? { tty: true } : {}),
    ...(bool(config, "OpenStdin", "OpenStdin") ? { openStdin: true } : {}),
    ...(bool(hc, "Privileged", "HostConfig.Privileged") ? { privileged: true } : {}),
    ...(capAdd && capAdd.length ? { capAdd } : {}),
    ...(capDrop && capDrop.length ? { capDrop } : {}),
    ...(bool(hc, "ReadonlyRootfs", "HostConfig.ReadonlyRootfs") ? { readonlyRootfs: true } : {}),
    ...parseSecurityOpt(hc),
    ...(oom ? { oomScoreAdj: oom } : {}),
    ...(shm && shm > 0 ? { shmSize: shm } : {}),
    ...(sysctls && Object.keys(sysctls).length ? { sysctls } : {}),
    ...(ulimits.length ? { ulimits } : {}),
    ...(resources ? { resources } : {}),
    ...(pid ? { pid } : {}),
    ...(ipc ? { ipc } : {}),
    ...(cgroupns === "private" || cgroupns === "host" ? { cgroupns } : {}),
    ...(extraHosts.length ? { extraHosts } : {}),
    ...(opt("StopSignal") ? { stopSignal: opt("StopSignal")! } : {}),
    ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
  };
  const healthcheck = parseHealthcheck(config);
  const restartPolicy = parseRestart(hc);
  const stopTimeout = num(config, "StopTimeout", "StopTimeout");
  const autoRemove = bool(hc, "AutoRemove", "HostConfig.AutoRemove") ?? false;
  if (autoRemove && restartPolicy && restartPolicy.name !== "no") {
    throw invalidArgument("Conflicting options: HostConfig.AutoRemove and a HostConfig.RestartPolicy other than no");
  }
  const log = parseLogConfig(hc);
  const init = bool(hc, "Init", "HostConfig.Init");
  return {
    ...(name ? { name } : {}),
    image,
    labels: strMap(config, "Labels", "Labels") ?? {},
    options,
    ...(init ? { init } : {}),
    mounts,
    networking: parseNetworking(config, hc, networkingConfig),
    ...(restartPolicy ? { restartPolicy } : {}),
    ...(healthcheck ? { healthcheck } : {}),
    ...(Object.keys(log).length ? { log } : {}),
    ...(stopTimeout !== undefined ? { stopTimeoutSeconds: stopTimeout } : {}),
    ...(autoRemove ? { autoRemove } : {}),
  };
}
