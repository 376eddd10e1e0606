import { configHash } from "../model/index.ts";
import type { Project, ServiceConfig } from "../model/index.ts";
import type { ObservedContainer } from "../observe/index.ts";
import { containerName } from "../labels/index.ts";
import { sharedNamespaceServices } from "./service-graph.ts";

export type RecreateStrategy = "diverged" | "force" | "never";

/** What happens to one replica of a service. */
export type ReplicaAction =
  | { readonly kind: "keep"; readonly container: ObservedContainer }
  | { readonly kind: "start"; readonly container: ObservedContainer; readonly reason: string }
  | { readonly kind: "recreate"; readonly container: ObservedContainer; readonly reason: string }
  | { readonly kind: "create"; readonly number: number; readonly name: string; readonly reason: string };

export interface ServiceDecision {
  readonly service: string;
  readonly replicas: readonly ReplicaAction[];
  readonly removals: readonly { readonly container: ObservedContainer; readonly reason: string }[];
}

export interface DecideInput {
  readonly project: Project;
  readonly service: ServiceConfig;
  readonly scale: number;
  readonly observed: readonly ObservedContainer[];
  readonly strategy: RecreateStrategy;
  /** The image ID the engine resolves the service's image to now; absent = unknown (being pulled). */
  readonly imageId: string | undefined;
  /** Services whose first replica is (re)created by this plan: sharers of their namespaces must follow. */
  readonly replacedFirstReplica: ReadonlySet<string>;
}

const ACTIVE: ReadonlySet<string> = new Set(["running", "restarting", "paused"]);
export const isActive = (c: ObservedContainer) => ACTIVE.has(c.state);

/** Why a container no longer matches its service, or undefined when it does (compose's mustRecreate). */
export function obsolescence(input: DecideInput, c: ObservedContainer): string | undefined {
  const { project, service, strategy } = input;
  if (strategy === "never") return undefined;
  if (strategy === "force") return "forced recreate";
  if (c.configHash !== configHash(service)) return "config hash changed";
  if (input.imageId !== undefined && c.imageId !== input.imageId) return "image changed";
  for (const x of sharedNamespaceServices(service)) {
    if (input.replacedFirstReplica.has(x)) return `shares namespaces or volumes with recreated ${x}`;
  }
  if (c.state === "running") {
    for (const key of Object.keys(service.networks).sort()) {
      const name = project.networks[key]?.name ?? key;
      if (!c.networks.includes(name)) return `not connected to network ${name}`;
    }
  }
  for (const v of service.volumes) {
    if (v.type !== "volume" || v.source === undefined) continue;
    const name = project.volumes[v.source]?.name ?? v.source;
    if (!c.volumes.includes(name)) return `volume ${name} not mounted`;
  }
  return undefined;
}

/**
 * Converges one service's replicas: keep the lowest-numbered up-to-date containers, remove
 * obsolete ones first and then the highest numbers when scaling down, recreate what diverged,
 * start what is stopped, and fill the lowest free numbers when scaling up.
 */
export function decideService(input: DecideInput): ServiceDecision {
  const { project, service, scale } = input;
  const removals: { container: ObservedContainer; reason: string }[] = [];

  // One container per number: a duplicate (e.g. a replacement left behind by an interrupted
  // recreate) goes; the one with the expected name, else the newest, stays.
  const byNumber = new Map<number, ObservedContainer[]>();
  for (const c of input.observed) byNumber.set(c.number, [...(byNumber.get(c.number) ?? []), c]);
  const candidates: ObservedContainer[] = [];
  for (const [number, cs] of [...byNumber].sort((a, b) => a[0] - b[0])) {
    if (number <= 0) {
      for (const c of cs) removals.push({ container: c, reason: "no valid container number" });
      continue;
    }
    const expectedName = containerName(project.name, service.name, number, service.container_name);
    const sorted = [...cs].sort((a, b) => Number(b.name === expectedName) - Number(a.name === expectedName) || b.created - a.created);
    candidates.push(sorted[0]!);
    for (const c of sorted.slice(1)) removals.push({ container: c, reason: `duplicate container number ${number}` });
  }

  const judged = candidates.map((c) => ({ c, why: obsolescence(input, c) }));
  // Up-to-date first (lowest numbers first), obsolete last: the tail is what scaling down removes.
  judged.sort((a, b) => Number(a.why !== undefined) - Number(b.why !== undefined) || a.c.number - b.c.number);
  const kept = judged.slice(0, scale);
  for (const { c } of judged.slice(scale)) removals.push({ container: c, reason: `scaled down to ${scale}` });

  const replicas: ReplicaAction[] = [];
  for (const { c, why } of kept.sort((a, b) => a.c.number - b.c.number)) {
    if (why !== undefined) replicas.push({ kind: "recreate", container: c, reason: why });
    else if (c.state === "created" || c.state === "exited" || c.state === "dead") replicas.push({ kind: "start", container: c, reason: `container is ${c.state}` });
    else replicas.push({ kind: "keep", container: c });
  }
  const used = new Set(input.observed.map((c) => c.number));
  const reason = kept.length === 0 && input.observed.length === 0 ? "no existing container" : `scaled up to ${scale}`;
  for (let n = 1; replicas.length < scale; n++) {
    if (used.has(n)) continue;
    replicas.push({ kind: "create", number: n, name: containerName(project.name, service.name, n, service.container_name), reason });
  }
  return { service: service.name, replicas, removals };
}
