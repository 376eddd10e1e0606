import { conflict } from "../../common/errors.ts";
import type { ContainerNetworking, ContainerRecord, EndpointRequest } from "./container-record.ts";
import type { ContainerEngineDeps } from "./engine-deps.ts";
import type { NetworkPort } from "./ports.ts";

// Docker's network connect and disconnect: the container's configuration changes at once, and a
// running container gets (or loses) its interface at once too; else from its next start.

export interface NetworkLinkDeps extends Pick<ContainerEngineDeps, "store" | "events"> {
  readonly network: Pick<NetworkPort, "networkName" | "connect" | "disconnect">;
}

const isRunning = (rec: ContainerRecord) => rec.state.status === "running" || rec.state.status === "paused";

// With no network named, a bridge-mode container is on the default one.
function currentNetworks(rec: ContainerRecord): { readonly names: readonly string[]; readonly onDefault: boolean } {
  const names = Object.keys(rec.config.networking.networks);
  return { names, onDefault: rec.config.networking.mode.kind === "bridge" && names.length === 0 };
}

function assertConnectable(rec: ContainerRecord): void {
  const mode = rec.config.networking.mode.kind;
  // `none` after a disconnect from every network (clients such as docker-compose v1
  // disconnect and reconnect with aliases) may be connected again; host and shared
  // namespaces may not, nor a running container with no namespace of tstack's.
  if (mode === "host" || mode === "container" || (mode === "none" && isRunning(rec) && !rec.state.netnsPath)) {
    throw conflict(`container ${rec.name} uses network mode ${mode}: it cannot be connected to a network`);
  }
}

/** The networking after connecting to `name` (its canonical name); a conflict when it cannot be. Pure. */
export function connectedNetworking(rec: ContainerRecord, name: string, req: EndpointRequest): ContainerNetworking {
  assertConnectable(rec);
  const { names, onDefault } = currentNetworks(rec);
  if (names.includes(name) || (onDefault && name === "bridge")) {
    throw conflict(`container ${rec.name} is already connected to network ${name}`);
  }
  // A bridge-mode container on the default network stays there.
  const networks = { ...(onDefault ? { bridge: {} } : rec.config.networking.networks), [name]: req };
  return { ...rec.config.networking, mode: { kind: "bridge" }, networks };
}

/** The networking after disconnecting from `name`; a conflict when not connected. Pure. */
export function disconnectedNetworking(rec: ContainerRecord, name: string): ContainerNetworking {
  const { names, onDefault } = currentNetworks(rec);
  if (!names.includes(name) && !(onDefault && name === "bridge")) throw conflict(`container ${rec.name} is not connected to network ${name}`);
  const networks = Object.fromEntries(Object.entries(onDefault ? { bridge: {} } : rec.config.networking.networks).filter(([n]) => n !== name));
  // A container left on no network gets none at all (Docker: network mode stays, no endpoints).
  const mode = Object.keys(networks).length === 0 ? ({ kind: "none" } as const) : rec.config.networking.mode;
  return { ...rec.config.networking, mode, networks };
}

export async function connectContainer(d: NetworkLinkDeps, idOrName: string, network: string, req: EndpointRequest = {}): Promise<void> {
  const rec0 = d.store.get(idOrName);
  await d.store.locked(rec0.id, async () => {
    const rec = d.store.get(rec0.id);
    assertConnectable(rec); // before the network is looked up: this conflict wins over an unknown network
    const name = d.network.networkName(network);
    const networking = connectedNetworking(rec, name, req);
    let state = rec.state;
    if (isRunning(rec)) {
      const ep = await d.network.connect(rec, name, req);
      state = { ...state, endpoints: [...state.endpoints, ep] };
    }
    const saved = await d.store.save({ ...rec, config: { ...rec.config, networking }, state });
    d.events.emit({ type: "network", action: "connect", id: name, attributes: { container: saved.id, name } });
  });
}

export async function disconnectContainer(d: NetworkLinkDeps, idOrName: string, network: string): Promise<void> {
  const rec0 = d.store.get(idOrName);
  await d.store.locked(rec0.id, async () => {
    const rec = d.store.get(rec0.id);
    const name = d.network.networkName(network);
    const networking = disconnectedNetworking(rec, name);
    let state = rec.state;
    if (isRunning(rec)) {
      await d.network.disconnect(rec, name);
      state = { ...state, endpoints: state.endpoints.filter((e) => e.networkName !== name) };
    }
    await d.store.save({ ...rec, config: { ...rec.config, networking }, state });
    d.events.emit({ type: "network", action: "disconnect", id: name, attributes: { container: rec.id, name } });
  });
}
