import { invalidArgument } from "../common/errors.ts";
import { isIPv4 } from "./ipv4.ts";

export type PortProtocol = "tcp" | "udp";

/**
 * A published port. `hostPort` 0 asks for a random free port; with `hostPortEnd` the host port is
 * any free one of hostPort..hostPortEnd (Docker's `-p 8000-8010:80`). `hostIp` absent = all addresses.
 */
export interface PortMapping {
  readonly hostIp?: string;
  readonly hostPort: number;
  readonly hostPortEnd?: number;
  readonly containerPort: number;
  readonly protocol: PortProtocol;
}

/** A mapping after allocation: a concrete host port. */
export interface ResolvedPortMapping {
  readonly hostIp?: string;
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: PortProtocol;
}

/** Docker Engine API `HostConfig.PortBindings`: `{"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}`. */
export type DockerPortBindings = Readonly<Record<string, readonly { readonly HostIp?: string; readonly HostPort?: string }[] | null>>;

function parsePort(s: string, what: string): number {
  if (!/^\d{1,5}$/.test(s)) throw invalidArgument(`invalid ${what} ${JSON.stringify(s)}`);
  const n = Number(s);
  if (n > 65535) throw invalidArgument(`invalid ${what} ${s}: above 65535`);
  return n;
}

// "80" or "8000-8010" → [start, end]
function parseRange(s: string, what: string): [number, number] {
  const [a, b] = s.split("-");
  const start = parsePort(a ?? "", what);
  const end = b === undefined ? start : parsePort(b, what);
  if (end < start) throw invalidArgument(`invalid ${what} range ${s}: end before start`);
  return [start, end];
}

/**
 * Docker's PortBindings as tstack mappings, ranges expanded: `80-82/tcp` with `8080-8082` gives
 * three mappings; a host range for one container port (`8000-8010`) stays one mapping with
 * `hostPortEnd`; an empty HostPort means a random port. IPv6 host addresses are refused (IPv4 only).
 */
export function parsePortBindings(bindings: DockerPortBindings): PortMapping[] {
  const out: PortMapping[] = [];
  for (const [key, list] of Object.entries(bindings)) {
    const [portPart, protoPart = "tcp"] = key.split("/");
    if (protoPart !== "tcp" && protoPart !== "udp") throw invalidArgument(`unsupported protocol ${JSON.stringify(protoPart)} in port ${key}`);
    const [cStart, cEnd] = parseRange(portPart ?? "", "container port");
    if (cStart === 0) throw invalidArgument(`invalid container port 0 in ${key}`);
    for (const b of list ?? [{}]) {
      const hostIp = b.HostIp === undefined || b.HostIp === "" || b.HostIp === "0.0.0.0" ? undefined : b.HostIp;
      if (hostIp !== undefined && !isIPv4(hostIp)) {
        throw invalidArgument(`host IP ${JSON.stringify(hostIp)} of port ${key} is not an IPv4 address (tstack publishes IPv4 only)`);
      }
      const ip = hostIp !== undefined ? { hostIp } : {};
      const hp = b.HostPort ?? "";
      const count = cEnd - cStart + 1;
      if (hp === "" || hp === "0") {
        for (let i = 0; i < count; i++) out.push({ ...ip, hostPort: 0, containerPort: cStart + i, protocol: protoPart });
        continue;
      }
      const [hStart, hEnd] = parseRange(hp, "host port");
      if (count === 1 && hEnd > hStart) {
        out.push({ ...ip, hostPort: hStart, hostPortEnd: hEnd, containerPort: cStart, protocol: protoPart });
      } else if (hEnd - hStart + 1 === count) {
        for (let i = 0; i < count; i++) out.push({ ...ip, hostPort: hStart + i, containerPort: cStart + i, protocol: protoPart });
      } else {
        throw invalidArgument(`port ranges of ${key} and ${hp} differ in length`);
      }
    }
  }
  return out;
}

export function formatPort(m: { hostIp?: string; hostPort: number; protocol: PortProtocol }): string {
  return `${m.hostIp !== undefined ? `${m.hostIp}:` : ""}${m.hostPort}/${m.protocol}`;
}

/** Two bindings collide when protocol and port match and their addresses overlap (absent = all). */
export function bindingsCollide(a: { hostIp?: string; hostPort: number; protocol: PortProtocol }, b: { hostIp?: string; hostPort: number; protocol: PortProtocol }): boolean {
  return a.protocol === b.protocol && a.hostPort === b.hostPort && (a.hostIp === undefined || b.hostIp === undefined || a.hostIp === b.hostIp);
}
