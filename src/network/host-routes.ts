import { formatCidr, isIPv4, parseIPv4 } from "./ipv4.ts";
import type { ProcessRunner } from "../common/spawn/process-runner.ts";

/**
 * The IPv4 destinations of the host's routes (`ip -j route` output) as canonical CIDRs, without the
 * default route: a new network must not shadow any of them.
 */
export function parseIpJsonRoutes(json: string): string[] {
  const routes = JSON.parse(json) as readonly { dst?: unknown }[];
  const out: string[] = [];
  for (const r of routes) {
    if (typeof r.dst !== "string" || r.dst === "default") continue;
    const [addr, prefix] = r.dst.split("/");
    if (addr === undefined || !isIPv4(addr)) continue;
    out.push(formatCidr({ addr: parseIPv4(addr), prefix: prefix === undefined ? 32 : Number(prefix) }));
  }
  return out;
}

// /proc/net/route stores addresses as little-endian hex words; the fallback when `ip` is absent.
export function parseProcNetRoute(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const dst = leHex(f[1]!);
    const mask = leHex(f[7]!);
    if (mask === 0) continue; // default route
    out.push(formatCidr({ addr: dst, prefix: popcount(mask) }));
  }
  return out;
}

function leHex(h: string): number {
  const n = parseInt(h, 16);
  return (((n & 255) << 24) | (((n >>> 8) & 255) << 16) | (((n >>> 16) & 255) << 8) | (n >>> 24)) >>> 0;
}

function popcount(n: number): number {
  let c = 0;
  for (let x = n >>> 0; x; x >>>= 1) c += x & 1;
  return c;
}

/** Reads the host's routes (all tables' main view) with `ip -j -4 route`. */
export async function readHostRoutes(runner: ProcessRunner): Promise<string[]> {
  const { stdout } = await runner.run("ip", ["-j", "-4", "route", "show", "table", "all"]);
  return parseIpJsonRoutes(stdout.trim() === "" ? "[]" : stdout);
}
