import { cidrSize, cidrsOverlap, formatCidr, networkAddress, parseCidr, type Cidr } from "./ipv4.ts";
import { invalidArgument } from "../common/errors.ts";

/** A range of address space cut into subnets of one prefix length (Docker's `default-address-pools`). */
export interface AddressPool {
  readonly base: string;
  readonly size: number;
}

// Docker's defaults: 172.17–172.31 as /16s, then 192.168.0.0/16 as /20s.
export const DEFAULT_ADDRESS_POOLS: readonly AddressPool[] = [
  ...Array.from({ length: 15 }, (_, i) => ({ base: `172.${17 + i}.0.0/16`, size: 16 })),
  { base: "192.168.0.0/16", size: 20 },
];

/**
 * The first subnet of the pools that overlaps none of `taken` (other networks' subnets and the
 * host's routes), or undefined when the pools are exhausted. Pure: the caller gathers `taken`.
 */
export function allocateSubnet(pools: readonly AddressPool[], taken: readonly string[]): string | undefined {
  const takenCidrs = taken.map(parseCidr);
  for (const pool of pools) {
    const base = parseCidr(pool.base);
    if (pool.size < base.prefix || pool.size > 30) {
      throw invalidArgument(`address pool ${pool.base}: size ${pool.size} must be between ${base.prefix} and 30`);
    }
    const step = cidrSize({ addr: 0, prefix: pool.size });
    const start = networkAddress(base);
    const count = cidrSize(base) / step;
    for (let i = 0; i < count; i++) {
      const candidate: Cidr = { addr: start + i * step, prefix: pool.size };
      if (!takenCidrs.some((t) => cidrsOverlap(t, candidate))) return formatCidr(candidate);
    }
  }
  return undefined;
}
