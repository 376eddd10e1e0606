import { invalidArgument } from "../common/errors.ts";

/** An IPv4 prefix as numbers: `addr` is the address as written (not masked), `prefix` 0..32. */
export interface Cidr {
  readonly addr: number;
  readonly prefix: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function isIPv4(s: string): boolean {
  const parts = s.split(".");
  return parts.length === 4 && parts.every((p) => OCTET.test(p));
}

/** The address as an unsigned 32-bit number. */
export function parseIPv4(s: string): number {
  if (!isIPv4(s)) throw invalidArgument(`invalid IPv4 address ${JSON.stringify(s)}`);
  return s.split(".").reduce((n, p) => n * 256 + Number(p), 0);
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export function parseCidr(s: string): Cidr {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(s);
  const prefix = m ? Number(m[2]) : NaN;
  if (!m || !isIPv4(m[1]!) || prefix > 32) throw invalidArgument(`invalid IPv4 subnet ${JSON.stringify(s)} (want a.b.c.d/n)`);
  return { addr: parseIPv4(m[1]!), prefix };
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function networkAddress(c: Cidr): number {
  return (c.addr & maskOf(c.prefix)) >>> 0;
}

export function broadcastAddress(c: Cidr): number {
  return (networkAddress(c) | ~maskOf(c.prefix)) >>> 0;
}

/** Canonical form: the network address with its prefix (`172.18.0.5/16` → `172.18.0.0/16`). */
export function formatCidr(c: Cidr): string {
  return `${formatIPv4(networkAddress(c))}/${c.prefix}`;
}

export function cidrContainsIp(c: Cidr, ip: number): boolean {
  return (ip & maskOf(c.prefix)) >>> 0 === networkAddress(c);
}

/** `inner` lies wholly inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && cidrContainsIp(outer, inner.addr);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}
