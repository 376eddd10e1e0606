import { failedPrecondition } from "../common/errors.ts";
import type { ProcessRunner } from "../common/spawn/process-runner.ts";
import { prefixLength, type NetworkRecord } from "./network-record.ts";

export const ISOLATION_CHAIN = "TSTACK-ISOLATION";
export const ISOLATION_CHAIN_2 = "TSTACK-ISOLATION-2";
export const FORWARD_CHAIN = "TSTACK-FORWARD";
// Every tstack bridge is named tst-…: stage 2 drops traffic towards any of them.
const BRIDGE_PREFIX = "tst-";

/**
 * The host side of a network that CNI does not own: the bridge itself (created up front with its
 * gateway address, so the engine's DNS can listen there before any container joins; the bridge
 * plugin adopts it), isolation between networks and forwarding for them. Plain forwarding would
 * let a container of network B reach network A through the host's routing, so FORWARD first jumps
 * to TSTACK-ISOLATION, which (like Docker's two-stage chains) drops traffic entering from one
 * tstack bridge and leaving to another, lets published ports (conntrack DNAT) and replies through,
 * and keeps internal networks to themselves. Second, FORWARD jumps to TSTACK-FORWARD, which accepts
 * what isolation let through, so a host whose FORWARD policy is DROP (wherever Docker runs) still
 * forwards container traffic: one pair of rules per network instead of the CNI firewall plugin's
 * pair per container (which ran iptables and ip6tables several times on every ADD and DEL).
 * ensure() is idempotent; remove() deletes every copy of a network's rules, the chains stay.
 */
export interface HostBridges {
  ensure(net: NetworkRecord): Promise<void>;
  remove(net: NetworkRecord): Promise<void>;
}

const tag = (bridge: string) => `tstack:${bridge}`;

/** The per-network isolation rules (iptables argument lists, without -A/-D and chain). Pure. */
export function isolationRules(net: Pick<NetworkRecord, "bridge" | "internal">): string[][] {
  const c = ["-m", "comment", "--comment", tag(net.bridge)];
  if (net.internal) {
    return [
      ["-i", net.bridge, "!", "-o", net.bridge, ...c, "-j", "DROP"],
      ["-o", net.bridge, "!", "-i", net.bridge, ...c, "-j", "DROP"],
    ];
  }
  return [["-i", net.bridge, "!", "-o", net.bridge, ...c, "-j", ISOLATION_CHAIN_2]];
}

/** Outbound NAT for a network's containers (none for internal networks). Pure. */
export function masqueradeRule(net: Pick<NetworkRecord, "bridge" | "internal" | "subnet">): string[] | undefined {
  if (net.internal) return undefined;
  return ["-s", net.subnet, "!", "-o", net.bridge, "-m", "comment", "--comment", tag(net.bridge), "-j", "MASQUERADE"];
}

/**
 * The per-network forwarding rules for TSTACK-FORWARD (iptables argument lists, without -A/-D and
 * chain). Pure. Isolation has already dropped what must not pass, so these only accept: for a
 * normal network, replies and published-port (DNAT) flows towards its bridge and anything leaving
 * it; for an internal network, only traffic between its own containers (with br_netfilter even
 * bridged traffic crosses FORWARD), so it gains no way out.
 */
export function forwardRules(net: Pick<NetworkRecord, "bridge" | "internal">): string[][] {
  const c = ["-m", "comment", "--comment", tag(net.bridge)];
  if (net.internal) return [["-i", net.bridge, "-o", net.bridge, ...c, "-j", "ACCEPT"]];
  return [
    ["-o", net.bridge, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED,DNAT", ...c, "-j", "ACCEPT"],
    ["-i", net.bridge, ...c, "-j", "ACCEPT"],
  ];
}

// FORWARD must start with these jumps, in this order: isolation drops before anything accepts.
const FORWARD_JUMPS = [ISOLATION_CHAIN, FORWARD_CHAIN] as const;

/**
 * The iptables commands (argument lists for the filter table) that make FORWARD start with
 * `-j TSTACK-ISOLATION`, `-j TSTACK-FORWARD`, given its `iptables -S FORWARD` listing. Pure.
 * A jump already in place is left alone (nothing to do on every start but the first); a misplaced
 * one (another tool inserted at the top, or a host from before TSTACK-FORWARD) is deleted, every
 * copy, and inserted where it belongs. Other rules, such as an old firewall plugin's CNI-FORWARD
 * jump, stay where they are, after ours.
 */
export function forwardJumpRepairs(listing: string): string[][] {
  let rules = listing.split("\n").filter((l) => l.startsWith("-A FORWARD "));
  const ops: string[][] = [];
  FORWARD_JUMPS.forEach((chain, i) => {
    const jump = `-A FORWARD -j ${chain}`;
    if (rules[i] === jump) return;
    for (const r of rules) if (r === jump) ops.push(["-D", "FORWARD", "-j", chain]);
    ops.push(["-I", "FORWARD", String(i + 1), "-j", chain]);
    rules = rules.filter((r) => r !== jump);
    rules.splice(i, 0, jump);
  });
  return ops;
}

// iptables and ip report "no such rule/link" by their exit status: every exit is read here.
export function createHostBridges(runner: ProcessRunner): HostBridges {
  const anyExit = { allowFailure: true } as const;
  const ipt = (args: readonly string[]) => runner.run("iptables", ["-w", "-t", "filter", ...args], anyExit);
  const iptOk = async (args: readonly string[]) => {
    const r = await ipt(args);
    if (r.exitCode !== 0) throw failedPrecondition(`iptables ${args.join(" ")}: ${r.stderr.trim()}`);
  };
  const ensureRule = async (chain: string, rule: readonly string[], position?: number) => {
    if ((await ipt(["-C", chain, ...rule])).exitCode === 0) return;
    await iptOk(position !== undefined ? ["-I", chain, String(position), ...rule] : ["-A", chain, ...rule]);
  };
  const ensureChain = async (chain: string) => {
    const r = await ipt(["-N", chain]);
    if (r.exitCode !== 0 && !/exists/i.test(r.stderr)) throw failedPrecondition(`iptables -N ${chain}: ${r.stderr.trim()}`);
  };

  const natRun = (args: readonly string[]) => runner.run("iptables", ["-w", "-t", "nat", ...args], anyExit);
  const ensureNatRule = async (rule: readonly string[]) => {
    if ((await natRun(["-C", "POSTROUTING", ...rule])).exitCode === 0) return;
    const r = await natRun(["-A", "POSTROUTING", ...rule]);
    if (r.exitCode !== 0) throw failedPrecondition(`iptables -t nat -A POSTROUTING ${rule.join(" ")}: ${r.stderr.trim()}`);
  };

  let base: Promise<void> | undefined;
  async function ensureBase(): Promise<void> {
    await ensureChain(ISOLATION_CHAIN);
    await ensureChain(ISOLATION_CHAIN_2);
    await ensureChain(FORWARD_CHAIN);
    await ensureRule(ISOLATION_CHAIN, ["-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED,DNAT", "-j", "RETURN"], 1);
    await ensureRule(ISOLATION_CHAIN_2, ["-o", `${BRIDGE_PREFIX}+`, "-j", "DROP"]);
    const { stdout: listing } = await runner.run("iptables", ["-w", "-t", "filter", "-S", "FORWARD"]);
    for (const op of forwardJumpRepairs(listing)) {
      // A -D can lose a race with another engine repairing the same host; the -I that follows counts.
      if (op[0] === "-D") await ipt(op);
      else await iptOk(op);
    }
  }

  async function linkExists(name: string): Promise<boolean> {
    return (await runner.run("ip", ["link", "show", "dev", name], anyExit)).exitCode === 0;
  }

  async function deleteLink(name: string): Promise<void> {
    const r = await runner.run("ip", ["link", "del", "dev", name], anyExit);
    if (r.exitCode !== 0 && (await linkExists(name))) throw failedPrecondition(`cannot delete bridge ${name}: ${r.stderr.trim()}`);
  }

  return {
    async ensure(net) {
      base ??= ensureBase().catch((err: unknown) => {
        base = undefined;
        throw err;
      });
      await base;
      if (!(await linkExists(net.bridge))) {
        const r = await runner.run("ip", ["link", "add", "name", net.bridge, "type", "bridge"], anyExit);
        if (r.exitCode !== 0 && !(await linkExists(net.bridge))) throw failedPrecondition(`cannot create bridge ${net.bridge}: ${r.stderr.trim()}`);
      }
      await runner.run("ip", ["addr", "replace", `${net.gateway}/${prefixLength(net.subnet)}`, "dev", net.bridge]);
      await runner.run("ip", ["link", "set", "dev", net.bridge, "up"]);
      for (const rule of isolationRules(net)) await ensureRule(ISOLATION_CHAIN, rule);
      for (const rule of forwardRules(net)) await ensureRule(FORWARD_CHAIN, rule);
      const masq = masqueradeRule(net);
      if (masq) await ensureNatRule(masq);
    },
    async remove(net) {
      const masq = masqueradeRule(net);
      if (masq) while ((await natRun(["-D", "POSTROUTING", ...masq])).exitCode === 0) {
        // every copy, as for the isolation rules
      }
      // A rule could have been added twice by a crash between -C and -A: remove every copy.
      // Accepts go before isolation, so a half-removed network is never open without its drops.
      for (const [chain, rule] of [...forwardRules(net).map((r) => [FORWARD_CHAIN, r] as const), ...isolationRules(net).map((r) => [ISOLATION_CHAIN, r] as const)]) {
        while ((await ipt(["-D", chain, ...rule])).exitCode === 0) {
          // until none is left
        }
      }
      await deleteLink(net.bridge);
    },
  };
}
