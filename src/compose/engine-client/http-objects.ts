import type { NetworkCreateBody, VolumeCreateBody } from "./docker-shapes.ts";
import type { EngineClient, NetworkSummary, VolumeSummary } from "./engine-client.ts";
import { filtersOf, labelsOf, seg, type EngineCalls } from "./http-call.ts";

type ObjectCalls = Pick<EngineClient, "listNetworks" | "inspectNetwork" | "createNetwork" | "removeNetwork" | "connectNetwork" | "listVolumes" | "createVolume" | "removeVolume">;

/** Networks and volumes. */
export function objectCalls({ call }: EngineCalls): ObjectCalls {
  return {
    listNetworks: async (f, o) => (await call<unknown[]>("list networks", { method: "GET", path: "/networks", query: { filters: filtersOf(f) }, signal: o?.signal })).map(networkOf),

    inspectNetwork: async (n, o) => networkOf(await call(`inspect network ${n}`, { method: "GET", path: `/networks/${seg(n)}`, signal: o?.signal })),

    createNetwork: async (body: NetworkCreateBody, o) => {
      const r = await call<{ Id?: string }>(`create network ${body.Name}`, { method: "POST", path: "/networks/create", body: { ...body, CheckDuplicate: true }, signal: o?.signal });
      return { id: String(r?.Id ?? "") };
    },

    removeNetwork: async (n, o) => void (await call(`remove network ${n}`, { method: "DELETE", path: `/networks/${seg(n)}`, signal: o?.signal })),

    connectNetwork: async (network, container, endpoint, o) =>
      void (await call(`connect container ${container} to network ${network}`, {
        method: "POST",
        path: `/networks/${seg(network)}/connect`,
        body: { Container: container, EndpointConfig: endpoint },
        signal: o?.signal,
      })),

    listVolumes: async (f, o) => {
      const r = await call<{ Volumes?: unknown[] | null }>("list volumes", { method: "GET", path: "/volumes", query: { filters: filtersOf(f) }, signal: o?.signal });
      return (r?.Volumes ?? []).map(volumeOf);
    },

    createVolume: async (body: VolumeCreateBody, o) => volumeOf(await call(`create volume ${body.Name}`, { method: "POST", path: "/volumes/create", body, signal: o?.signal })),

    removeVolume: async (name, o) => void (await call(`remove volume ${name}`, { method: "DELETE", path: `/volumes/${seg(name)}`, signal: o?.signal })),
  };
}

function networkOf(n: unknown): NetworkSummary {
  const raw = (n ?? {}) as Record<string, unknown>;
  return { id: String(raw.Id ?? raw.ID ?? ""), name: String(raw.Name ?? ""), driver: String(raw.Driver ?? ""), labels: labelsOf(raw.Labels), internal: raw.Internal === true };
}

function volumeOf(v: unknown): VolumeSummary {
  const raw = (v ?? {}) as Record<string, unknown>;
  return { name: String(raw.Name ?? ""), driver: String(raw.Driver ?? ""), labels: labelsOf(raw.Labels) };
}
