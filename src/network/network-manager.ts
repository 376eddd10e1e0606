import { randomBytes } from "node:crypto";
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { conflict, failedPrecondition, invalidArgument, notFound } from "../common/errors.ts";
import { Mutex, mapLimit } from "../common/mutex.ts";
import { openAttachmentStore, type AttachmentRecord } from "./attachment-store.ts";
import { createCniInvoker, CniAddFailed, type CniInvoker, type CniRuntime } from "./cni-invoker.ts";
import { containerAddress } from "./cni-result.ts";
import type { ProcessRunner } from "../common/spawn/process-runner.ts";
import { buildConflist, cniNetworkName } from "./conflist.ts";
import { startDnsServer, type DnsServer, type Upstream } from "./dns-server.ts";
import { createHostBridges, type HostBridges } from "./host-bridges.ts";
import { readHostRoutes } from "./host-routes.ts";
import { broadcastAddress, cidrContainsIp, networkAddress, parseCidr, parseIPv4 } from "./ipv4.ts";
import { NameTable } from "./name-table.ts";
import { createNetnsManager, type NetnsManager } from "./netns.ts";
import {
  bridgeNameFor,
  planAddresses,
  RESERVED_NETWORK_NAMES,
  validateNetworkName,
  type CreateNetworkOptions,
  type NetworkRecord,
} from "./network-record.ts";
import { openNetworkStore, type NetworkStore } from "./network-store.ts";
import { allocatePorts, type PortReservation } from "./port-allocator.ts";
import { createPortProbe, type PortProbe } from "./port-probe.ts";
import type { PortMapping, ResolvedPortMapping } from "./ports.ts";
import { hostResolvConfPath, parseResolvConf } from "./resolv-conf.ts";
import { DEFAULT_ADDRESS_POOLS, type AddressPool } from "./subnet-pool.ts";

export interface NetworkManagerDeps {
  /** Persistent state: network records, attachment (ADD result) cache, IPAM leases. */
  readonly stateRoot: string;
  /** Runtime state (cleared by reboot): `<runRoot>/netns/<containerId>`. */
  readonly runRoot: string;
  /** Plugin directories (CNI_PATH); default /usr/lib/cni, /opt/cni/bin. */
  readonly cniPath?: readonly string[];
  /** Every program: CNI plugins, ip, iptables, unshare, mount, ss. */
  readonly runner: ProcessRunner;
  /** Lazy unmount of a network namespace file (see NetnsDeps.unmount). */
  readonly unmount?: (path: string) => Promise<void>;
  /** The host's route destinations (CIDRs) new subnets must avoid; default `ip -j route`. */
  readonly hostRoutes?: () => Promise<readonly string[]>;
  /** Where the engine's DNS forwards names it does not know; default the host's resolv.conf. */
  readonly upstreamDns?: () => Promise<readonly Upstream[]>;
  readonly addressPools?: readonly AddressPool[];
  readonly now?: () => Date;
  /** New network ids (64 hex like Docker's). */
  readonly ids?: () => string;
  readonly portProbe?: PortProbe;
  /** Port of the per-network DNS listeners; containers only ever ask 53, so override only in tests. */
  readonly dnsPort?: number;
  /** Parallelism of reclaim's teardown (CNI DEL is slow; iptables serialises on its lock anyway). */
  readonly teardownParallelism?: number;
}

export interface AttachOptions {
  readonly ifname?: string;
  readonly ipv4Address?: string;
  /** Names this container answers to on this network: container name, hostname, service name, links. */
  readonly names?: readonly string[];
  readonly aliases?: readonly string[];
  readonly portMappings?: readonly PortMapping[];
}

export interface Attachment {
  readonly networkId: string;
  readonly networkName: string;
  readonly ip: string;
  readonly gateway: string;
  readonly prefixLen: number;
  readonly mac?: string;
  readonly ifname: string;
  /** The published ports with their actual host ports (random ones resolved). */
  readonly hostPorts: readonly ResolvedPortMapping[];
  /** The engine's DNS server for this network, for the container's resolv.conf. */
  readonly dnsServer: string;
}

export interface NetworkInspect extends NetworkRecord {
  readonly containers: readonly { readonly containerId: string; readonly ip?: string; readonly mac?: string; readonly names: readonly string[] }[];
}

export interface ReclaimReport {
  readonly detached: number;
  readonly namespaces: number;
  readonly bridges: readonly string[];
  readonly errors: readonly string[];
}

/**
 * tstack's container networking. Lifecycle of a container's network:
 *   createSandbox(id) → attach(id, netns, net…) for each network → (container runs, runc joins the
 *   netns by path) → detach / detachAll → destroySandbox(id).
 * Invariants: every attachment is on disk before its CNI ADD runs and is deleted only after its DEL
 * succeeded, so `reclaim(live)` after a crash can DEL exactly what was added; a network's bridge,
 * isolation rules and DNS listener exist while its record does; a host port is handed out once.
 * `host` and `container:<id>` network modes need nothing from here; `none` is createSandbox alone.
 * Call `close()` to stop DNS listeners (the kernel state stays: it belongs to the containers).
 */
export interface NetworkManager {
  createNetwork(o: CreateNetworkOptions): Promise<NetworkRecord>;
  removeNetwork(idOrName: string): Promise<void>;
  list(): readonly NetworkRecord[];
  inspect(idOrName: string): NetworkInspect;
  /** Removes networks with no containers, except ids/names in `keep`; returns the removed names. */
  prune(keep?: readonly string[]): Promise<string[]>;

  createSandbox(containerId: string): Promise<{ netnsPath: string }>;
  destroySandbox(containerId: string): Promise<void>;
  attach(containerId: string, netnsPath: string, network: string, o?: AttachOptions): Promise<Attachment>;
  detach(containerId: string, network: string): Promise<void>;
  /** Detaches from every network in parallel (errors collected, first rethrown) and keeps going. */
  detachAll(containerId: string): Promise<void>;
  attachments(containerId: string): readonly Attachment[];
  /** Resolves mappings as attach would, without reserving: throws Conflict naming the holder. */
  checkPorts(mappings: readonly PortMapping[]): Promise<readonly ResolvedPortMapping[]>;
  /** At engine start: releases everything of containers not in `live`; ensures bridges + DNS of all networks. */
  reclaim(live: readonly string[]): Promise<ReclaimReport>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const IFNAME_RE = /^[a-zA-Z0-9_.-]{1,15}$/;

async function defaultUpstreams(): Promise<readonly Upstream[]> {
  const etc = await readFile("/etc/resolv.conf", "utf8").catch(() => "");
  const path = hostResolvConfPath(etc);
  const text = path === "/etc/resolv.conf" ? etc : await readFile(path, "utf8").catch(() => "");
  return parseResolvConf(text)
    .nameservers.filter((n) => /^\d+\.\d+\.\d+\.\d+$/.test(n))
    .map((host) => ({ host, port: 53 }));
}

export async function createNetworkManager(deps: NetworkManagerDeps): Promise<NetworkManager> {
  const { runner } = deps;
  const cniPath = deps.cniPath ?? ["/usr/lib/cni", "/opt/cni/bin"];
  const invoker: CniInvoker = createCniInvoker({ runner, cniPath });
  const now = deps.now ?? (() => new Date());
  const ids = deps.ids ?? (() => randomBytes(32).toString("hex"));
  const hostRoutes = deps.hostRoutes ?? (() => readHostRoutes(runner));
  const probe = deps.portProbe ?? createPortProbe(runner);
  const pools = deps.addressPools ?? DEFAULT_ADDRESS_POOLS;
  const dnsPort = deps.dnsPort ?? 53;
  const ipamDir = join(deps.stateRoot, "cni", "ipam");
  const networks: NetworkStore = await openNetworkStore(join(deps.stateRoot, "networks"));
  const records = await openAttachmentStore(join(deps.stateRoot, "cni", "attachments"));
  const netns: NetnsManager = createNetnsManager({ runner, runRoot: deps.runRoot, ...(deps.unmount ? { unmount: deps.unmount } : {}) });
  const bridges: HostBridges = createHostBridges(runner);
  const names = new NameTable();
  const dns = new Map<string, DnsServer>();
  const ready = new Map<string, Promise<void>>();
  const storeLock = new Mutex();
  const portLock = new Mutex();
  /** Ports being allocated by attaches that have not written their record yet. */
  const pending = new Map<symbol, readonly PortReservation[]>();
  let upstreams: readonly Upstream[] = [];
  const upstreamsLoaded = (deps.upstreamDns ?? defaultUpstreams)().then((u) => {
    upstreams = u;
  });

  for (const r of records.list()) {
    if (r.address) names.set({ containerId: r.containerId, networkId: r.networkId, ip: r.address.ip, names: r.names });
  }

  const reservations = (): PortReservation[] => [
    ...records.list().flatMap((r) => r.ports.map((mapping) => ({ owner: r.containerId, mapping }))),
    ...[...pending.values()].flat(),
  ];

  const conflistOf = (net: NetworkRecord) => buildConflist(net, { ipamDataDir: ipamDir });

  // A network's bridge, isolation rules and DNS listener are set up by its first container and
  // kept while the engine runs (re-creating them per container would cost ~0.3 s of iptables
  // each time); they go when the network is removed, and at close and start for networks no
  // container uses, so a stopped engine holds nothing on the host. `users` counts attaches
  // in flight, so a release never pulls the bridge from under an ADD; the per-network lock
  // orders set-up and release.
  const users = new Map<string, number>();
  const netLocks = new Map<string, Mutex>();
  const netLock = (id: string) => {
    let m = netLocks.get(id);
    if (!m) netLocks.set(id, (m = new Mutex()));
    return m;
  };

  function ensureReady(net: NetworkRecord): Promise<void> {
    return netLock(net.id).run(() => setUp(net));
  }

  async function releaseIfUnused(netId: string): Promise<void> {
    await netLock(netId).run(async () => {
      if ((users.get(netId) ?? 0) > 0 || records.list().some((r) => r.networkId === netId)) return;
      const net = networks.find(netId);
      await stopDns(netId);
      if (net) await bridges.remove(net);
    });
  }

  function setUp(net: NetworkRecord): Promise<void> {
    let p = ready.get(net.id);
    if (!p) {
      p = (async () => {
        await bridges.ensure(net);
        await upstreamsLoaded;
        if (!dns.has(net.id)) {
          const server = await startDnsServer({
            address: net.gateway,
            port: dnsPort,
            resolve: (client, name) => names.resolve(net.id, client, name),
            upstreams: () => (net.internal ? [] : upstreams),
          });
          dns.set(net.id, server);
        }
      })();
      ready.set(net.id, p);
      p.catch(() => ready.delete(net.id));
    }
    return p;
  }

  async function stopDns(netId: string): Promise<void> {
    const s = dns.get(netId);
    dns.delete(netId);
    ready.delete(netId);
    await s?.close();
  }

  function toAttachment(r: AttachmentRecord): Attachment {
    const net = networks.find(r.networkId);
    const a = r.address;
    return {
      networkId: r.networkId,
      networkName: net?.name ?? r.networkId,
      ip: a?.ip ?? "",
      gateway: a?.gateway ?? "",
      prefixLen: a?.prefixLen ?? 0,
      ...(a?.mac !== undefined ? { mac: a.mac } : {}),
      ifname: r.runtime.ifname,
      hostPorts: r.ports,
      dnsServer: net?.gateway ?? a?.gateway ?? "",
    };
  }

  function checkStaticIp(net: NetworkRecord, ip: string): void {
    const n = parseIPv4(ip);
    const subnet = parseCidr(net.subnet);
    if (!cidrContainsIp(subnet, n) || n === networkAddress(subnet) || n === broadcastAddress(subnet)) {
      throw invalidArgument(`address ${ip} is not a usable address of network ${net.name} (${net.subnet})`);
    }
    if (ip === net.gateway) throw invalidArgument(`address ${ip} is the gateway of network ${net.name}`);
    if (net.ipRange !== undefined && !cidrContainsIp(parseCidr(net.ipRange), n)) {
      throw invalidArgument(`address ${ip} is outside the ip_range ${net.ipRange} of network ${net.name}`);
    }
  }

  // DEL from the record, then forget it. If DEL fails the record stays for the next reclaim.
  async function teardown(r: AttachmentRecord): Promise<void> {
    names.delete(r.containerId, r.networkId);
    await invoker.del(r.conflist, r.runtime, r.result);
    await records.delete(r.containerId, r.networkId);
  }

  // Last resort when DEL keeps failing (e.g. a plugin binary vanished): drop host-local's lease
  // files of the container so its address is not lost forever.
  async function dropLeases(r: AttachmentRecord): Promise<void> {
    const dir = join(ipamDir, r.conflist.name);
    for (const f of await readdir(dir).catch(() => [] as string[])) {
      const owner = (await readFile(join(dir, f), "utf8").catch(() => "")).split(/\r?\n/)[0];
      if (owner === r.containerId) await rm(join(dir, f), { force: true });
    }
  }

  async function finishRemoval(net: NetworkRecord): Promise<void> {
    await stopDns(net.id);
    await bridges.remove(net);
    await rm(join(ipamDir, cniNetworkName(net)), { recursive: true, force: true });
    names.deleteNetwork(net.id);
    await storeLock.run(() => networks.delete(net.id));
  }

  const manager: NetworkManager = {
    async createNetwork(o) {
      validateNetworkName(o.name);
      if (RESERVED_NETWORK_NAMES.includes(o.name)) throw conflict(`network name ${o.name} is reserved`);
      if (o.driver !== undefined && o.driver !== "bridge") throw invalidArgument(`network driver ${o.driver} is not supported (only bridge)`);
      const net = await storeLock.run(async () => {
        if (networks.list().some((n) => n.name === o.name)) throw conflict(`network with name ${o.name} already exists`);
        const taken = [...networks.list().map((n) => n.subnet), ...(await hostRoutes())];
        const plan = planAddresses(o, taken, pools);
        const id = ids();
        const rec: NetworkRecord = {
          id,
          name: o.name,
          driver: "bridge",
          ...plan,
          internal: o.internal ?? false,
          attachable: o.attachable ?? false,
          labels: { ...(o.labels ?? {}) },
          options: { ...(o.options ?? {}) },
          created: now().toISOString(),
          bridge: bridgeNameFor(id),
        };
        await networks.put(rec);
        return rec;
      });
      // The bridge comes with the first container (ensureReady in attach).
      return net;
    },

    async removeNetwork(idOrName) {
      const net = networks.get(idOrName);
      const users = records.list().filter((r) => r.networkId === net.id);
      if (users.length > 0) {
        throw conflict(`network ${net.name} has active endpoints: ${users.map((u) => u.containerId.slice(0, 12)).join(", ")}`);
      }
      // Marked first: if we die half-way, reclaim finishes the removal.
      if (!net.removing) await storeLock.run(() => networks.put({ ...net, removing: true }));
      await finishRemoval(net);
    },

    list: () => networks.list(),

    inspect(idOrName) {
      const net = networks.get(idOrName);
      const containers = records
        .list()
        .filter((r) => r.networkId === net.id)
        .map((r) => ({
          containerId: r.containerId,
          ...(r.address ? { ip: r.address.ip } : {}),
          ...(r.address?.mac ? { mac: r.address.mac } : {}),
          names: r.names,
        }));
      return { ...net, containers };
    },

    async prune(keep = []) {
      const removed: string[] = [];
      for (const net of networks.list()) {
        if (keep.includes(net.id) || keep.includes(net.name)) continue;
        if (records.list().some((r) => r.networkId === net.id)) continue;
        await manager.removeNetwork(net.id);
        removed.push(net.name);
      }
      return removed;
    },

    async createSandbox(containerId) {
      return { netnsPath: await netns.create(containerId) };
    },

    async destroySandbox(containerId) {
      await netns.destroy(containerId);
    },

    async attach(containerId, netnsPath, network, o = {}) {
      const net = networks.get(network);
      if (net.removing) throw notFound(`network ${network} is being removed`);
      const ifname = o.ifname ?? `eth${records.list().filter((r) => r.containerId === containerId).length}`;
      if (!IFNAME_RE.test(ifname)) throw invalidArgument(`invalid interface name ${JSON.stringify(ifname)}`);
      if (records.get(containerId, net.id)) throw conflict(`container ${containerId.slice(0, 12)} is already attached to network ${net.name}`);
      if (o.ipv4Address !== undefined) checkStaticIp(net, o.ipv4Address);
      users.set(net.id, (users.get(net.id) ?? 0) + 1);
      try {
        await ensureReady(net);
        const key = Symbol(containerId);
        const ports = await portLock.run(async () => {
          const got = await allocatePorts(o.portMappings ?? [], reservations(), probe);
          pending.set(key, got.map((mapping) => ({ owner: containerId, mapping })));
          return got;
        });
        try {
          const runtime: CniRuntime = {
            containerId,
            netnsPath,
            ifname,
            ...(ports.length > 0
              ? { portMappings: ports.map((p) => ({ hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol, ...(p.hostIp ? { hostIP: p.hostIp } : {}) })) }
              : {}),
            ...(o.ipv4Address !== undefined ? { ips: [`${o.ipv4Address}/${parseCidr(net.subnet).prefix}`] } : {}),
          };
          // portmap's DEL walks its chains even for a container without ports: leave it out then.
          const full = conflistOf(net);
          const conflist = ports.length > 0 ? full : { ...full, plugins: full.plugins.filter((p) => p.type !== "portmap") };
          const allNames = [...(o.names ?? []), ...(o.aliases ?? [])];
          const intent: AttachmentRecord = { containerId, networkId: net.id, conflist, runtime, names: allNames, ports };
          await records.put(intent);
          let result;
          try {
            result = await invoker.add(conflist, runtime);
          } catch (err) {
            if (!(err instanceof CniAddFailed && err.rollbackFailed)) await records.delete(containerId, net.id);
            throw err;
          }
          const addr = containerAddress(result);
          if (addr === undefined) {
            await teardown({ ...intent, result }).catch(() => undefined);
            throw failedPrecondition(`CNI ADD on network ${net.name} returned no IPv4 address for the container`);
          }
          const rec: AttachmentRecord = {
            ...intent,
            result,
            address: { ip: addr.ip, prefixLen: addr.prefixLen, gateway: addr.gateway ?? net.gateway, ...(addr.mac ? { mac: addr.mac } : {}) },
          };
          await records.put(rec);
          names.set({ containerId, networkId: net.id, ip: addr.ip, names: allNames });
          return toAttachment(rec);
        } finally {
          pending.delete(key);
        }
      } finally {
        users.set(net.id, (users.get(net.id) ?? 1) - 1);
        // A failed attach may have been the network's only user.
        await releaseIfUnused(net.id).catch(() => undefined);
      }
    },

    async detach(containerId, network) {
      const net = networks.find(network);
      const r = net ? records.get(containerId, net.id) : records.list().find((x) => x.containerId === containerId && x.networkId === network);
      if (!r) throw notFound(`container ${containerId.slice(0, 12)} is not attached to network ${network}`);
      await teardown(r);
    },

    async detachAll(containerId) {
      const mine = records.list().filter((r) => r.containerId === containerId);
      const results = await Promise.allSettled(mine.map(teardown));
      const failed = results.find((x): x is PromiseRejectedResult => x.status === "rejected");
      if (failed) throw failed.reason;
    },

    attachments: (containerId) => records.list().filter((r) => r.containerId === containerId && r.address).map(toAttachment),

    checkPorts: (mappings) => portLock.run(() => allocatePorts(mappings, reservations(), probe)),

    async reclaim(live) {
      const alive = new Set(live);
      const errors: string[] = [];
      const dead = records.list().filter((r) => !alive.has(r.containerId));
      await mapLimit(dead, deps.teardownParallelism ?? 8, async (r) => {
        try {
          await teardown(r);
        } catch (err) {
          errors.push(`DEL ${r.containerId.slice(0, 12)} on ${r.conflist.name}: ${(err as Error).message}`);
          await dropLeases(r);
          await records.delete(r.containerId, r.networkId);
        }
      });
      let namespaces = 0;
      for (const id of await netns.list()) {
        if (alive.has(id)) continue;
        try {
          await netns.destroy(id);
          namespaces++;
        } catch (err) {
          errors.push((err as Error).message);
        }
      }
      // Networks whose removal was interrupted. (Bridges are never found by scanning for tst-*:
      // engines with other state roots may run side by side, and their bridges are not ours.)
      const removedBridges: string[] = [];
      for (const net of networks.list().filter((n) => n.removing)) {
        if (records.list().some((r) => r.networkId === net.id)) continue;
        try {
          await finishRemoval(net);
          removedBridges.push(net.bridge);
        } catch (err) {
          errors.push(`removing network ${net.name}: ${(err as Error).message}`);
        }
      }
      const knownIpam = new Set(networks.list().map(cniNetworkName));
      for (const d of await readdir(ipamDir).catch(() => [] as string[])) {
        if (!knownIpam.has(d)) await rm(join(ipamDir, d), { recursive: true, force: true });
      }
      for (const net of networks.list().filter((n) => !n.removing)) {
        const used = records.list().some((r) => r.networkId === net.id);
        await (used ? ensureReady(net) : releaseIfUnused(net.id)).catch((err: unknown) =>
          errors.push(`network ${net.name}: ${(err as Error).message}`),
        );
      }
      return { detached: dead.length, namespaces, bridges: removedBridges, errors };
    },

    async close() {
      for (const net of networks.list()) await releaseIfUnused(net.id).catch(() => undefined);
      await Promise.all([...dns.keys()].map(stopDns));
      // Running containers keep their namespaces (and so the directory's mount); else it goes.
      await netns.releaseDir();
    },
    [Symbol.asyncDispose]: () => manager.close(),
  };
  return manager;
}
