import { failedPrecondition } from "../common/errors.ts";
import { runOk, type CommandRunner } from "./command-runner.ts";
import { prefixLength, type NetworkRecord } from "./network-record.ts";

export const ISOLATION_CHAIN = "TSTACK-ISOLATION";
export const ISOLATION_CHAIN_2 = "TSTACK-ISOLATION-2";
// Every tstack bridge is named tst-…: stage 2 drops traffic towards any of them.
const BRIDGE_PREFIX = "tst-";

/**
 * The host side of a network that CNI does not own: the bridge itself (created up front with its
 * gateway address, so the engine's DNS can listen there before any container joins; the bridge
 * plugin adopts it) and isolation between networks. Plain forwarding would let a container of
 * network B reach network A through the host's routing, so FORWARD first jumps to
 * TSTACK-ISOLATION, which (like Docker's two-stage chains) drops traffic entering from one tstack
 * bridge and leaving to another, lets published ports (conntrack DNAT) and replies through, and
 * keeps internal networks to themselves.
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

// The rule the firewall plugin puts first in FORWARD; created by us first so ours stays ahead of it.
const FIREWALL_JUMP = ["-m", "comment", "--comment", "CNI firewall plugin rules", "-j", "CNI-FORWARD"];

export function createHostBridges(runner: CommandRunner): HostBridges {
  const ipt = (args: readonly string[]) => runner.run("iptables", ["-w", "-t", "filter", ...args]);
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

  const natRun = (args: readonly string[]) => runner.run("iptables", ["-w", "-t", "nat", ...args]);
  const ensureNatRule = async (rule: readonly string[]) => {
    if ((await natRun(["-C", "POSTROUTING", ...rule])).exitCode === 0) return;
    const r = await natRun(["-A", "POSTROUTING", ...rule]);
    if (r.exitCode !== 0) throw failedPrecondition(`iptables -t nat -A POSTROUTING ${rule.join(" ")}: ${r.stderr.trim()}`);
  };

  let base: Promise<void> | undefined;
  async function ensureBase(): Promise<void> {
    await ensureChain(ISOLATION_CHAIN);
    await ensureChain(ISOLATION_CHAIN_2);
    await ensureChain("CNI-FORWARD");
    await ensureRule(ISOLATION_CHAIN, ["-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED,DNAT", "-j", "RETURN"], 1);
    await ensureRule(ISOLATION_CHAIN_2, ["-o", `${BRIDGE_PREFIX}+`, "-j", "DROP"]);
    await ensureRule("FORWARD", FIREWALL_JUMP, 1);
    // Ours must come before the firewall plugin's accept-everything-from-the-container rules.
    const first = (await runOk(runner, "iptables", ["-w", "-S", "FORWARD"])).split("\n").find((l) => l.startsWith("-A FORWARD"));
    if (first !== `-A FORWARD -j ${ISOLATION_CHAIN}`) {
      await ipt(["-D", "FORWARD", "-j", ISOLATION_CHAIN]);
      await iptOk(["-I", "FORWARD", "1", "-j", ISOLATION_CHAIN]);
    }
  }

  async function linkExists(name: string): Promise<boolean> {
    return (await runner.run("ip", ["link", "show", "dev", name])).exitCode === 0;
  }

  async function deleteLink(name: string): Promise<void> {
    const r = await runner.run("ip", ["link", "del", "dev", name]);
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
        const r = await runner.run("ip", ["link", "add", "name", net.bridge, "type", "bridge"]);
        if (r.exitCode !== 0 && !(await linkExists(net.bridge))) throw failedPrecondition(`cannot create bridge ${net.bridge}: ${r.stderr.trim()}`);
      }
      await runOk(runner, "ip", ["addr", "replace", `${net.gateway}/${prefixLength(net.subnet)}`, "dev", net.bridge]);
      await runOk(runner, "ip", ["link", "set", "dev", net.bridge, "up"]);
      for (const rule of isolationRules(net)) await ensureRule(ISOLATION_CHAIN, rule);
      const masq = masqueradeRule(net);
      if (masq) await ensureNatRule(masq);
    },
    async remove(net) {
      const masq = masqueradeRule(net);
      if (masq) while ((await natRun(["-D", "POSTROUTING", ...masq])).exitCode === 0) {
        // every copy, as for the isolation rules
      }
      for (const rule of isolationRules(net)) {
        while ((await ipt(["-D", ISOLATION_CHAIN, ...rule])).exitCode === 0) {
          // a rule could have been added twice by a crash between -C and -A: remove every copy
        }
      }
      await deleteLink(net.bridge);
    },
  };
}
