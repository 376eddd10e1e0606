import { invalidArgument, conflict } from "../common/errors.ts";
import {
  broadcastAddress,
  cidrContains,
  cidrContainsIp,
  cidrsOverlap,
  formatCidr,
  formatIPv4,
  networkAddress,
  parseCidr,
  parseIPv4,
} from "./ipv4.ts";
import { allocateSubnet, type AddressPool } from "./subnet-pool.ts";

/** A tstack network as persisted under `<stateRoot>/networks/<id>.json`. IPv4 only. */
export interface NetworkRecord {
  readonly id: string;
  readonly name: string;
  readonly driver: "bridge";
  /** Canonical CIDR, e.g. `172.18.0.0/16`. */
  readonly subnet: string;
  readonly gateway: string;
  /** Canonical CIDR inside `subnet` from which container addresses are handed out, when narrower. */
  readonly ipRange?: string;
  readonly internal: boolean;
  readonly attachable: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly options: Readonly<Record<string, string>>;
  readonly created: string;
  /** Linux bridge name, `tst-<first 11 hex of id>` (≤ 15 chars, IFNAMSIZ). */
  readonly bridge: string;
  /** Set when removal began; `reclaim` finishes what a crash interrupted. */
  readonly removing?: boolean;
}

export interface CreateNetworkOptions {
  readonly name: string;
  readonly driver?: string;
  readonly subnet?: string;
  readonly gateway?: string;
  readonly ipRange?: string;
  readonly internal?: boolean;
  readonly attachable?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
  readonly options?: Readonly<Record<string, string>>;
  readonly enableIPv6?: boolean;
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function bridgeNameFor(id: string): string {
  return `tst-${id.slice(0, 11)}`;
}

export interface AddressPlan {
  readonly subnet: string;
  readonly gateway: string;
  readonly ipRange?: string;
}

/**
 * Decides a new network's addresses: the user's subnet/gateway/ip_range validated, or the first
 * free pool subnet. `taken` = other networks' subnets + the host's routes. Pure.
 */
export function planAddresses(o: CreateNetworkOptions, taken: readonly string[], pools: readonly AddressPool[]): AddressPlan {
  if (o.enableIPv6) throw invalidArgument("IPv6 networks are not supported by tstack yet");
  if (o.gateway !== undefined && o.subnet === undefined) throw invalidArgument("a gateway needs a subnet");
  if (o.ipRange !== undefined && o.subnet === undefined) throw invalidArgument("an ip_range needs a subnet");
  let subnetStr: string;
  if (o.subnet === undefined) {
    const got = allocateSubnet(pools, taken);
    if (got === undefined) {
      throw conflict("all predefined address pools have been fully subnetted: remove unused networks or give a subnet");
    }
    subnetStr = got;
  } else {
    const given = parseCidr(o.subnet);
    if (given.prefix > 30) throw invalidArgument(`subnet ${o.subnet} is too small: at most /30`);
    subnetStr = formatCidr(given);
    const clash = taken.find((t) => cidrsOverlap(parseCidr(t), given));
    if (clash !== undefined) throw conflict(`subnet ${subnetStr} overlaps ${clash} (another network or a host route)`);
  }
  const subnet = parseCidr(subnetStr);
  const first = networkAddress(subnet) + 1;
  const last = broadcastAddress(subnet) - 1;
  let ipRange: string | undefined;
  if (o.ipRange !== undefined) {
    const r = parseCidr(o.ipRange);
    if (!cidrContains(subnet, r)) throw invalidArgument(`ip_range ${o.ipRange} is not inside subnet ${subnetStr}`);
    ipRange = formatCidr(r);
  }
  let gateway: number;
  if (o.gateway !== undefined) {
    gateway = parseIPv4(o.gateway);
    if (!cidrContainsIp(subnet, gateway) || gateway < first || gateway > last) {
      throw invalidArgument(`gateway ${o.gateway} is not a usable address of subnet ${subnetStr}`);
    }
  } else {
    gateway = first;
  }
  return { subnet: subnetStr, gateway: formatIPv4(gateway), ...(ipRange !== undefined ? { ipRange } : {}) };
}

export function validateNetworkName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw invalidArgument(`invalid network name ${JSON.stringify(name)}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
}

/** Docker's predefined names: a user network may not take them. */
export const RESERVED_NETWORK_NAMES: readonly string[] = ["host", "none"];

export function prefixLength(subnet: string): number {
  return parseCidr(subnet).prefix;
}
