import { broadcastAddress, formatIPv4, networkAddress, parseCidr } from "./ipv4.ts";
import type { NetworkRecord } from "./network-record.ts";

/** The CNI spec version tstack speaks; Debian's plugins (1.1.x) support it. */
export const CNI_VERSION = "1.0.0";

/** One plugin's configuration inside a conflist (`type` names the binary). */
export interface PluginConf {
  readonly type: string;
  readonly capabilities?: Readonly<Record<string, boolean>>;
  readonly [key: string]: unknown;
}

export interface Conflist {
  readonly cniVersion: string;
  readonly name: string;
  readonly plugins: readonly PluginConf[];
}

export interface ConflistPaths {
  /** host-local's `dataDir`: leases live at `<dataDir>/<conflist name>/<ip>`. */
  readonly ipamDataDir: string;
}

/** The CNI network name of a tstack network: stable, short, and independent of the user's name. */
export function cniNetworkName(net: Pick<NetworkRecord, "id">): string {
  return `tstack-${net.id.slice(0, 12)}`;
}

/**
 * A network record as the conflist the plugins run with: bridge (+host-local), portmap.
 * Pure; golden-tested. Internal networks get neither masquerade nor a default route, so a
 * container there reaches only its own subnet (tstack's isolation rules do the rest).
 * No `firewall` plugin: what it did per container (accept the container's traffic in FORWARD on
 * hosts whose policy is DROP) host-bridges.ts does once per network in TSTACK-FORWARD; the plugin
 * ran iptables and ip6tables several times on every ADD and DEL, all serialised on the xtables lock.
 */
export function buildConflist(net: NetworkRecord, paths: ConflistPaths): Conflist {
  const subnet = parseCidr(net.subnet);
  const range: Record<string, string> = { subnet: net.subnet, gateway: net.gateway };
  if (net.ipRange !== undefined) {
    const r = parseCidr(net.ipRange);
    const first = Math.max(networkAddress(r), networkAddress(subnet) + 1);
    const last = Math.min(broadcastAddress(r), broadcastAddress(subnet) - 1);
    range["rangeStart"] = formatIPv4(first);
    range["rangeEnd"] = formatIPv4(last);
  }
  const ipam = {
    type: "host-local",
    dataDir: paths.ipamDataDir,
    ranges: [[range]],
    ...(net.internal ? {} : { routes: [{ dst: "0.0.0.0/0" }] }),
  };
  const bridge: PluginConf = {
    type: "bridge",
    bridge: net.bridge,
    isGateway: true,
    // One masquerade rule per network is installed with the bridge (host-bridges.ts) instead of
    // the plugin's chain per container: per-container iptables work serialises on the xtables lock.
    ipMasq: false,
    hairpinMode: true,
    // A static address per attach arrives as runtimeConfig.ips, which host-local reads.
    capabilities: { ips: true },
    ipam,
  };
  // snat makes 127.0.0.1 and hairpin (container → host port → same bridge) work: portmap masquerades
  // those flows and sets route_localnet on the bridge itself.
  const portmap: PluginConf = { type: "portmap", capabilities: { portMappings: true }, snat: true };
  return { cniVersion: CNI_VERSION, name: cniNetworkName(net), plugins: [bridge, portmap] };
}
