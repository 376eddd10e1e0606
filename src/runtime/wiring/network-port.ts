import { readFile } from "node:fs/promises";
import { conflict, TstackError } from "../../common/errors.ts";
import {
  containerResolvConf,
  hostResolvConfPath,
  parseResolvConf,
  renderResolvConf,
  type NetworkManager,
  type PortMapping,
} from "../../network/index.ts";
import type { ContainerRecord, Endpoint, PublishedPort } from "../containers/container-record.ts";
import type { NetworkPort, NetworkSetup } from "../containers/ports.ts";

/** The network every container joins when it names none, as Docker's `bridge`. */
export const DEFAULT_NETWORK = "bridge";

// Binds the container engine's network seam to the CNI network manager: `none`, `host`
// and `container:` need no CNI; bridge networks get a namespace, one interface per network,
// the published ports on the first network, and the engine's DNS in resolv.conf.
export function createNetworkPort(nm: NetworkManager, opts: { etcResolvConf?: string } = {}): NetworkPort {
  const hostResolv = async () => {
    const path = hostResolvConfPath(opts.etcResolvConf ?? "/etc/resolv.conf");
    const text = await readFile(path, "utf8").catch(() => "");
    return parseResolvConf(text);
  };
  return {
    async setUp(rec, peers): Promise<NetworkSetup> {
      const n = rec.config.networking;
      const user = {
        ...(n.dns ? { dns: n.dns } : {}),
        ...(n.dnsSearch ? { dnsSearch: n.dnsSearch } : {}),
        ...(n.dnsOptions ? { dnsOptions: n.dnsOptions } : {}),
      };
      const empty = { endpoints: [], ports: [], hostsEntries: [] };
      switch (n.mode.kind) {
        case "none":
          return { ...empty, network: { kind: "none" }, resolvConf: renderResolvConf(containerResolvConf({ kind: "none" }, await hostResolv(), user)) };
        case "host":
          return { ...empty, network: { kind: "host" }, resolvConf: renderResolvConf(containerResolvConf({ kind: "host" }, await hostResolv(), user)) };
        case "container": {
          const path = peers.netnsOf(n.mode.container);
          if (!path) throw conflict(`cannot join the network of container ${n.mode.container}: it is not running`);
          return { ...empty, network: { kind: "path", path, shared: true }, resolvConf: renderResolvConf(containerResolvConf({ kind: "host" }, await hostResolv(), user)) };
        }
        case "bridge":
          break;
      }
      const names = Object.keys(n.networks).length > 0 ? Object.keys(n.networks) : [DEFAULT_NETWORK];
      const mappings: PortMapping[] = n.portBindings.map((b) => {
        if (b.protocol === "sctp") throw new TstackError("Unimplemented", `publishing sctp port ${b.containerPort} is not supported`);
        return { ...(b.hostIp ? { hostIp: b.hostIp } : {}), hostPort: b.hostPort ?? 0, containerPort: b.containerPort, protocol: b.protocol };
      });
      // Checked before anything is created, so a taken port leaves nothing behind.
      if (mappings.length > 0) await nm.checkPorts(mappings);
      const { netnsPath } = await nm.createSandbox(rec.id);
      try {
        const endpoints: Endpoint[] = [];
        const ports: PublishedPort[] = [];
        let dnsServer = "";
        const hostname = rec.config.options.hostname || rec.id.slice(0, 12);
        for (const [i, net] of names.entries()) {
          const req = n.networks[net] ?? {};
          const a = await nm.attach(rec.id, netnsPath, net, {
            ifname: `eth${i}`,
            ...(req.ipv4Address ? { ipv4Address: req.ipv4Address } : {}),
            names: [...new Set([rec.name, hostname, rec.id.slice(0, 12)])],
            aliases: req.aliases ?? [],
            portMappings: i === 0 ? mappings : [],
          });
          if (i === 0) dnsServer = a.dnsServer;
          endpoints.push({
            network: a.networkId,
            networkName: a.networkName,
            ip: a.ip,
            prefixLen: a.prefixLen,
            gateway: a.gateway,
            mac: a.mac ?? "",
            aliases: req.aliases ?? [],
          });
          for (const p of a.hostPorts) {
            ports.push({ containerPort: p.containerPort, protocol: p.protocol, hostIp: p.hostIp ?? "0.0.0.0", hostPort: p.hostPort });
          }
        }
        const resolv = containerResolvConf({ kind: "bridge", dnsServer }, await hostResolv(), user);
        return { network: { kind: "path", path: netnsPath }, netnsPath, endpoints, ports, hostsEntries: [], resolvConf: renderResolvConf(resolv) };
      } catch (err) {
        await nm.detachAll(rec.id).catch(() => undefined);
        await nm.destroySandbox(rec.id).catch(() => undefined);
        throw err;
      }
    },
    async connect(rec, network, req) {
      if (!rec.state.netnsPath) throw conflict(`container ${rec.name} has no network namespace of its own to connect`);
      const a = await nm.attach(rec.id, rec.state.netnsPath, network, {
        ifname: `eth${rec.state.endpoints.length}`,
        ...(req.ipv4Address ? { ipv4Address: req.ipv4Address } : {}),
        names: [...new Set([rec.name, rec.config.options.hostname || rec.id.slice(0, 12), rec.id.slice(0, 12)])],
        aliases: req.aliases ?? [],
      });
      return { network: a.networkId, networkName: a.networkName, ip: a.ip, prefixLen: a.prefixLen, gateway: a.gateway, mac: a.mac ?? "", aliases: req.aliases ?? [] };
    },
    async disconnect(rec, network) {
      await nm.detach(rec.id, nm.inspect(network).id);
    },
    networkName: (network) => nm.inspect(network).name,
    async tearDown(rec: ContainerRecord) {
      // A namespace of ours exists for bridge mode (and stays after a disconnect from every network).
      if (rec.config.networking.mode.kind !== "bridge" && !rec.state.netnsPath) return;
      await nm.detachAll(rec.id);
      await nm.destroySandbox(rec.id);
    },
  };
}
