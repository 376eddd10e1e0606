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
    containers: containers.map(observedContainerOf).sort(byServiceAndNumber),
    networks: networks
      .map((n) => ({ id: n.id, name: n.name, key: n.labels[LABEL.network] ?? "", labels: n.labels }))
      .sort((a, b) => compareStrings(a.name, b.name)),
    volumes: volumes
      .map((v) => ({ name: v.name, key: v.labels[LABEL.volume] ?? "", labels: v.labels }))
      .sort((a, b) => compareStrings(a.name, b.name)),
  };
}

export interface ContainerQuery {
  /** Only these services' containers; all when empty or absent. */
  readonly services?: readonly string[];
  /** Only containers that are not stopped (running, paused, restarting). */
  readonly live?: boolean;
  /** Include one-off (`run`) containers (default false). */
  readonly oneoff?: boolean;
}

/** The project's containers (of some services), as `ps`, `logs`, `exec` and the others see them. */
export async function projectContainers(client: EngineClient, projectName: string, q: ContainerQuery = {}, opts: { signal?: AbortSignal } = {}): Promise<ObservedContainer[]> {
  const wanted = q.services !== undefined && q.services.length > 0 ? new Set(q.services) : undefined;
  const list = await client.listContainers({ labels: [projectFilter(projectName)], ...(q.live === true ? { live: true } : {}) }, { signal: opts.signal });
  return list
    .map(observedContainerOf)
    .filter((c) => (q.oneoff === true || !c.oneoff) && (wanted === undefined || wanted.has(c.service)))
    .sort(byServiceAndNumber);
}

// Deterministic: the planner's output and ps's rows do not depend on the engine's order.
const byServiceAndNumber = (a: ObservedContainer, b: ObservedContainer) =>
  compareStrings(a.service, b.service) || a.number - b.number || a.created - b.created || compareStrings(a.name, b.name);

export function observedContainerOf(c: ContainerSummary): ObservedContainer {
  const n = Number.parseInt(c.labels[LABEL.containerNumber] ?? "", 10);
  return {
    ...c,
    service: c.labels[LABEL.service] ?? "",
    number: Number.isFinite(n) && n > 0 ? n : 0,
    oneoff: c.labels[LABEL.oneoff] === ONEOFF_TRUE,
    configHash: c.labels[LABEL.configHash] ?? "",
    // The engine's ImageID is what the container really runs; compose's image label may hold a
    // repo digest instead of an ID, so it is only a fallback.
    imageId: c.imageId !== "" ? c.imageId : (c.labels[LABEL.image] ?? ""),
  };
}

/** "web-1": the service and replica, as compose prefixes log lines; one-offs keep their name. */
export function shortLabel(c: Pick<ObservedContainer, "service" | "number" | "oneoff" | "name">): string {
  return c.oneoff || c.number === 0 ? c.name : `${c.service}-${c.number}`;
}
