import { isIP } from "node:net";
import { fail, ok, type ParseResult } from "./parse-result.ts";
import type { PortConfig, PortProtocol } from "./types.ts";

const PROTOCOLS: ReadonlySet<string> = new Set<PortProtocol>(["tcp", "udp", "sctp"]);

interface PortRange {
  readonly start: number;
  readonly end: number;
}

function parseRange(raw: string, what: string): ParseResult<PortRange> {
  const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(raw);
  if (!m) return fail(`invalid ${what} port ${JSON.stringify(raw)}`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start > 65535 || end > 65535) return fail(`${what} port ${raw} is out of range (0-65535)`);
  if (end < start) return fail(`invalid ${what} port range ${raw}: end is before start`);
  return ok({ start, end });
}

/**
 * Parses `[[host_ip:]published:]target[/protocol]` (Docker's nat.ParsePortSpec grammar)
 * into one port object per container port: "9000-9002:9000-9002" gives three, while
 * "8000-8010:80" gives one whose published value stays a range (the engine picks one).
 */
export function parsePortShort(spec: string | number): ParseResult<readonly PortConfig[]> {
  const raw = String(spec).trim();
  if (raw === "") return fail("empty port specification");
  let rest = raw;
  let protocol: PortProtocol = "tcp";
  const slash = raw.lastIndexOf("/");
  if (slash >= 0) {
    const proto = raw.slice(slash + 1).toLowerCase();
    if (!PROTOCOLS.has(proto)) return fail(`invalid protocol ${JSON.stringify(raw.slice(slash + 1))} in port ${raw} (tcp, udp or sctp)`);
    protocol = proto as PortProtocol;
    rest = raw.slice(0, slash);
  }
  const parts = rest.split(":");
  const containerRaw = parts[parts.length - 1] ?? "";
  const hostRaw = parts.length >= 2 ? (parts[parts.length - 2] ?? "") : "";
  let ip = parts.length >= 3 ? parts.slice(0, -2).join(":") : "";
  if (ip.startsWith("[") && ip.endsWith("]")) ip = ip.slice(1, -1);
  if (ip !== "" && isIP(ip) === 0) return fail(`invalid IP address ${JSON.stringify(ip)} in port ${raw}`);
  if (containerRaw === "") return fail(`no container port in ${JSON.stringify(raw)}`);
  const container = parseRange(containerRaw, "container");
  if (!container.ok) return container;
  if (container.value.start === 0) return fail(`invalid container port 0 in ${raw}`);
  const host = hostRaw === "" ? undefined : parseRange(hostRaw, "published");
  if (host && !host.ok) return host;

  const base = { protocol, mode: "ingress" as const, ...(ip !== "" ? { host_ip: ip } : {}) };
  const n = container.value.end - container.value.start + 1;
  const hostRange = host?.value;
  const out: PortConfig[] = [];
  if (!hostRange) {
    for (let i = 0; i < n; i++) out.push({ ...base, target: container.value.start + i });
    return ok(out);
  }
  const m = hostRange.end - hostRange.start + 1;
  if (n === 1 && m > 1) {
    return ok([{ ...base, target: container.value.start, published: `${hostRange.start}-${hostRange.end}` }]);
  }
  if (m !== n) return fail(`port ranges don't match in ${raw}: ${m} published for ${n} container ports`);
  for (let i = 0; i < n; i++) {
    out.push({ ...base, target: container.value.start + i, published: String(hostRange.start + i) });
  }
  return ok(out);
}

// The long syntax, with the same checks as the short one and defaults written in.
export function parsePortLong(raw: Readonly<Record<string, unknown>>): ParseResult<PortConfig> {
  const target = Number(typeof raw.target === "string" ? raw.target.trim() : raw.target);
  if (!Number.isInteger(target) || target < 1 || target > 65535) return fail(`invalid target port ${JSON.stringify(raw.target)}`);
  const protocol = typeof raw.protocol === "string" && raw.protocol !== "" ? raw.protocol.toLowerCase() : "tcp";
  if (!PROTOCOLS.has(protocol)) return fail(`invalid protocol ${JSON.stringify(raw.protocol)} (tcp, udp or sctp)`);
  const hostIp = typeof raw.host_ip === "string" ? raw.host_ip.trim() : "";
  if (hostIp !== "" && isIP(hostIp.replace(/^\[(.*)\]$/, "$1")) === 0) return fail(`invalid IP address ${JSON.stringify(hostIp)}`);
  let published: string | undefined;
  if (raw.published !== undefined && raw.published !== null && String(raw.published).trim() !== "") {
    const r = parseRange(String(raw.published).trim(), "published");
    if (!r.ok) return r;
    published = r.value.start === r.value.end ? String(r.value.start) : `${r.value.start}-${r.value.end}`;
  }
  const mode = raw.mode === "host" ? "host" : "ingress";
  return ok({
    target,
    protocol: protocol as PortProtocol,
    mode,
    ...(published !== undefined ? { published } : {}),
    ...(hostIp !== "" ? { host_ip: hostIp.replace(/^\[(.*)\]$/, "$1") } : {}),
    ...(typeof raw.name === "string" ? { name: raw.name } : {}),
    ...(typeof raw.app_protocol === "string" ? { app_protocol: raw.app_protocol } : {}),
  });
}
