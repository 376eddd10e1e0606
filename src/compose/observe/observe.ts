import type { ContainerSummary, EngineClient } from "../engine-client/engine-client.ts";
import { LABEL, ONEOFF_TRUE, projectFilter } from "../labels/index.ts";
import type { ObservedContainer, ObservedState } from "./observed-state.ts";
import { compareStrings } from "../../common/compare-strings.ts";

/**
 * Lists everything labelled with the project, once (three list calls in parallel), sorted by
 * service and number so that the planner's output is deterministic.
 */
export async function observe(client: EngineClient, projectName: string, opts: { signal?: AbortSignal } = {}): Promise<ObservedState> {
  const filter = { labels: [projectFilter(projectName)] };
  const call = { signal: opts.signal };
  const [containers, networks, volumes] = await Promise.all([
    client.listContainers(filter, call),
    client.listNetworks(filter, call),
    client.listVolumes(filter, call),
  ]);
  return {
    projectName,
    containers: containers
      .map(observedContainerOf)
      .sort((a, b) => compareStrings(a.service, b.service) || a.number - b.number || a.created - b.created),
    networks: networks
      .map((n) => ({ id: n.id, name: n.name, key: n.labels[LABEL.network] ?? "", labels: n.labels }))
      .sort((a, b) => compareStrings(a.name, b.name)),
    volumes: volumes
      .map((v) => ({ name: v.name, key: v.labels[LABEL.volume] ?? "", labels: v.labels }))
      .sort((a, b) => compareStrings(a.name, b.name)),
  };
}

export function observedContainerOf(c: ContainerSummary): ObservedContainer {
  const n = Number.parseInt(c.labels[LABEL.containerNumber] ?? "", 10);
  return {
    id: c.id,
    name: c.name,
    service: c.labels[LABEL.service] ?? "",
    number: Number.isFinite(n) && n > 0 ? n : 0,
    oneoff: c.labels[LABEL.oneoff] === ONEOFF_TRUE,
    configHash: c.labels[LABEL.configHash] ?? "",
    // The engine's ImageID is what the container really runs; compose's image label may hold a
    // repo digest instead of an ID, so it is only a fallback.
    imageId: c.imageId !== "" ? c.imageId : (c.labels[LABEL.image] ?? ""),
    state: c.state,
    health: c.health,
    created: c.created,
    networks: c.networks,
    volumes: c.volumes,
    labels: c.labels,
  };
}
