import { invalidArgument, unimplemented } from "../../common/errors.ts";
import type { ContainerNetworking, EndpointRequest, NetworkModeRequest, PortBinding } from "../../runtime/containers/container-record.ts";
import { asObj, list, obj, str, strList, type Json } from "./field-readers.ts";
import { isZeroValue } from "./zero-value.ts";

// HostConfig.NetworkMode/PortBindings/Dns* + Config.ExposedPorts + NetworkingConfig → native networking.

/** The engine's default network, Docker's `bridge` (also asked for as `default`). */
export const DEFAULT_NETWORK_NAME = "bridge";

export function parseNetworkMode(mode: string): { mode: NetworkModeRequest; network?: string } {
  if (mode === "" || mode === "default" || mode === "bridge") return { mode: { kind: "bridge" } };
  if (mode === "none") return { mode: { kind: "none" } };
  if (mode === "host") return { mode: { kind: "host" } };
  if (mode.startsWith("container:")) {
    const container = mode.slice("container:".length);
    if (!container) throw invalidArgument(`HostConfig.NetworkMode: no container in ${JSON.stringify(mode)}`);
    return { mode: { kind: "container", container } };
  }
  return { mode: { kind: "bridge" }, network: mode };
}

const PORT_RE = /^(\d+)(?:\/(tcp|udp|sctp))?$/;

export function parsePortKey(key: string, field: string): { port: number; protocol: "tcp" | "udp" | "sctp" } {
  const m = PORT_RE.exec(key);
  if (!m) {
    if (/^\d+-\d+/.test(key)) throw unimplemented(`${field}: port ranges (${key}) are not supported by tstack; list each port`);
    throw invalidArgument(`${field}: invalid port ${JSON.stringify(key)}`);
  }
  const port = Number(m[1]);
  if (port < 1 || port > 65535) throw invalidArgument(`${field}: port ${port} out of range`);
  return { port, protocol: (m[2] ?? "tcp") as "tcp" | "udp" | "sctp" };
}

export function parsePortBindings(hc: Json): PortBinding[] {
  const pb = obj(hc, "PortBindings", "HostConfig.PortBindings") ?? {};
  const out: PortBinding[] = [];
  for (const [key, raw] of Object.entries(pb)) {
    const field = `HostConfig.PortBindings[${key}]`;
    const { port, protocol } = parsePortKey(key, field);
    const bindings = raw === null ? [] : (list(pb, key, field) ?? []);
    if (bindings.length === 0) out.push({ containerPort: port, protocol });
    for (const [i, b] of bindings.entries()) {
      const o = asObj(b, `${field}[${i}]`);
      const hostIp = str(o, "HostIp", `${field}[${i}].HostIp`) ?? "";
      const hostPortText = str(o, "HostPort", `${field}[${i}].HostPort`) ?? "";
      let hostPort = 0;
      if (hostPortText !== "") {
        const r = /^(\d+)(?:-(\d+))?$/.exec(hostPortText);
        if (!r) throw invalidArgument(`${field}[${i}].HostPort: invalid port ${JSON.stringify(hostPortText)}`);
        if (r[2] !== undefined && r[2] !== r[1]) throw unimplemented(`${field}[${i}].HostPort: host port ranges (${hostPortText}) are not supported by tstack`);
        hostPort = Number(r[1]);
        if (hostPort > 65535) throw invalidArgument(`${field}[${i}].HostPort: port ${hostPort} out of range`);
      }
      out.push({ containerPort: port, protocol, ...(hostIp ? { hostIp } : {}), ...(hostPort ? { hostPort } : {}) });
    }
  }
  return out;
}

export function parseExposedPorts(config: Json): string[] {
  const ep = obj(config, "ExposedPorts", "ExposedPorts") ?? {};
  return Object.keys(ep).map((k) => {
    const { port, protocol } = parsePortKey(k, "ExposedPorts");
    return `${port}/${protocol}`;
  });
}

// Output-only fields of EndpointSettings (clients echo them as zero values).
const ENDPOINT_OUTPUT_FIELDS = ["NetworkID", "EndpointID", "Gateway", "IPAddress", "IPPrefixLen", "IPv6Gateway", "GlobalIPv6Address", "GlobalIPv6PrefixLen", "DNSNames"];

export function parseEndpoint(raw: unknown, field: string): EndpointRequest {
  const ep = asObj(raw ?? {}, field);
  for (const [k, v] of Object.entries(ep)) {
    if (["Aliases", "IPAMConfig", "MacAddress", ...ENDPOINT_OUTPUT_FIELDS].includes(k)) continue;
    if (!isZeroValue(v)) throw unimplemented(`${field}.${k} is not supported by tstack`);
  }
  const ipam = obj(ep, "IPAMConfig", `${field}.IPAMConfig`) ?? {};
  for (const [k, v] of Object.entries(ipam)) {
    if (k !== "IPv4Address" && !isZeroValue(v)) throw unimplemented(`${field}.IPAMConfig.${k} is not supported by tstack (IPv4 only)`);
  }
  const aliases = strList(ep, "Aliases", `${field}.Aliases`) ?? [];
  const ipv4 = str(ipam, "IPv4Address", `${field}.IPAMConfig.IPv4Address`) ?? "";
  const mac = str(ep, "MacAddress", `${field}.MacAddress`) ?? "";
  return { ...(aliases.length ? { aliases } : {}), ...(ipv4 ? { ipv4Address: ipv4 } : {}), ...(mac ? { macAddress: mac } : {}) };
}

export function parseNetworking(config: Json, hc: Json, networkingConfig: Json | undefined): Partial<ContainerNetworking> {
  const { mode, network } = parseNetworkMode(str(hc, "NetworkMode", "HostConfig.NetworkMode") ?? "");
  const endpoints = obj(networkingConfig ?? {}, "EndpointsConfig", "NetworkingConfig.EndpointsConfig") ?? {};
  const networks: Record<string, EndpointRequest> = {};
  const modeName = str(hc, "NetworkMode", "HostConfig.NetworkMode") ?? "";
  for (const [name, raw] of Object.entries(endpoints)) {
    const field = `NetworkingConfig.EndpointsConfig[${name}]`;
    const ep = parseEndpoint(raw, field);
    if (mode.kind !== "bridge") {
      // Clients send an (empty) endpoint named after the mode, e.g. `host`.
      if (name === modeName || Object.keys(ep).length === 0) continue;
      throw invalidArgument(`${field}: a container with network mode ${modeName} cannot join network ${name}`);
    }
    networks[name === "default" ? DEFAULT_NETWORK_NAME : name] = ep;
  }
  if (network && !networks[network]) networks[network] = {};
  const mac = str(config, "MacAddress", "MacAddress") ?? "";
  if (mac) {
    const first = network ?? Object.keys(networks)[0] ?? DEFAULT_NETWORK_NAME;
    networks[first] = { ...networks[first], macAddress: mac };
  }
  // With only the default network named, the engine's own default applies.
  const onlyDefault = Object.keys(networks).length === 1 && networks[DEFAULT_NETWORK_NAME] && Object.keys(networks[DEFAULT_NETWORK_NAME]).length === 0;
  const dns = strList(hc, "Dns", "HostConfig.Dns") ?? [];
  const dnsSearch = strList(hc, "DnsSearch", "HostConfig.DnsSearch") ?? [];
  const dnsOptions = strList(hc, "DnsOptions", "HostConfig.DnsOptions") ?? [];
  const links = strList(hc, "Links", "HostConfig.Links") ?? [];
  const publishAll = hc["PublishAllPorts"] === true;
  const disabled = config["NetworkDisabled"] === true;
  return {
    mode: disabled ? { kind: "none" } : mode,
    networks: disabled || onlyDefault ? {} : networks,
    portBindings: parsePortBindings(hc),
    exposedPorts: parseExposedPorts(config),
    ...(publishAll ? { publishAllPorts: true } : {}),
    ...(dns.length ? { dns } : {}),
    ...(dnsSearch.length ? { dnsSearch } : {}),
    ...(dnsOptions.length ? { dnsOptions } : {}),
    ...(links.length ? { links } : {}),
  };
}
