import { failedPrecondition } from "../../common/errors.ts";
import { toEngineError } from "../engine-client/index.ts";
import type { Project } from "../model/index.ts";
import { projectContainers, type ObservedContainer } from "../observe/index.ts";
import { dependenciesOf, type Plan, type PlanNode, type PlanOp } from "../plan/index.ts";
import { runPlan } from "./run-plan.ts";
import type { ProjectRef, StackContext } from "./stack-context.ts";
import { confirmKilled, trackStops } from "./stop-escalation.ts";

// start, stop, restart, kill, pause, unpause, rm: each acts on the project's existing containers
// (of some services), found by label. Start and stop follow the dependency order.

const live = (c: ObservedContainer) => c.state === "running" || c.state === "paused" || c.state === "restarting";

/**
 * A plan of one kind of operation over containers, ordered by the project's dependencies:
 * starts after the services they depend on, stops before them. Pure.
 */
export function containerPlan(kind: "start-container" | "stop-container", containers: readonly ObservedContainer[], project: Project | undefined, timeoutSeconds?: number): Plan {
  const deps = (svc: string): string[] => {
    const s = project?.services[svc];
    return s === undefined ? [] : [...dependenciesOf(s).keys()];
  };
  // Topological order by service: start dependencies first; stop is the reverse.
  const order: string[] = [];
  const visit = (svc: string, seen: Set<string>) => {
    if (order.includes(svc) || seen.has(svc)) return;
    seen.add(svc);
    for (const d of deps(svc)) visit(d, seen);
    order.push(svc);
  };
  for (const c of containers) visit(c.service, new Set());
  if (kind === "stop-container") order.reverse();
  const nodes: PlanNode[] = [];
  const idsOf = new Map<string, number[]>();
  for (const svc of order) {
    const before = kind === "start-container" ? deps(svc) : order.filter((o) => deps(o).includes(svc));
    const after = before.flatMap((b) => idsOf.get(b) ?? []);
    for (const c of containers.filter((x) => x.service === svc)) {
      const op: PlanOp =
        kind === "start-container"
          ? { kind, service: svc, container: c.id, name: c.name }
          : { kind, service: svc, container: c.id, name: c.name, ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}) };
      const id = nodes.length + 1;
      nodes.push({ id, op, reason: kind === "start-container" ? "start requested" : "stop requested", deps: after });
      idsOf.set(svc, [...(idsOf.get(svc) ?? []), id]);
    }
  }
  return { nodes, warnings: [] };
}

const containersOf = (s: StackContext, ref: ProjectRef, services: readonly string[]) => projectContainers(s.client, ref.name, { services }, { signal: s.signal });

// One engine call per container, in parallel; each success reported as `Container x  <done>`.
async function each(s: StackContext, verb: string, done: string, list: readonly ObservedContainer[], f: (c: ObservedContainer) => Promise<unknown>): Promise<void> {
  await Promise.all(
    list.map(async (c) => {
      try {
        await f(c);
      } catch (err) {
        throw toEngineError(err, `${verb} container ${c.name}`);
      }
      s.reporter.status(`Container ${c.name}  ${done}`);
    }),
  );
}

export async function start(s: StackContext, ref: ProjectRef, services: readonly string[]): Promise<void> {
  const containers = await containersOf(s, ref, services);
  if (containers.length === 0) {
    throw failedPrecondition(`service${services.length === 1 ? "" : "s"} ${services.join(", ") || "of project " + ref.name} ha${services.length === 1 ? "s" : "ve"} no container to start`);
  }
  await runPlan(s, containerPlan("start-container", containers.filter((c) => c.state !== "running"), ref.project), "Starting");
}

async function stopContainers(s: StackContext, ref: ProjectRef, containers: readonly ObservedContainer[], timeoutSeconds: number | undefined): Promise<void> {
  const p = containerPlan("stop-container", containers.filter(live), ref.project, timeoutSeconds);
  const stops = trackStops(p, ref.project, s.now);
  await runPlan(s, p, "Stopping", stops.onEvent);
  for (const m of await stops.messages(confirmKilled(s.client))) s.reporter.status(m);
}

export async function stop(s: StackContext, ref: ProjectRef, services: readonly string[], timeoutSeconds?: number): Promise<void> {
  await stopContainers(s, ref, await containersOf(s, ref, services), timeoutSeconds);
}

export async function restart(s: StackContext, ref: ProjectRef, services: readonly string[], timeoutSeconds?: number): Promise<void> {
  const opts = { signal: s.signal, ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}) };
  await each(s, "restart", "Restarted", await containersOf(s, ref, services), (c) => s.client.restartContainer(c.id, opts));
}

export async function kill(s: StackContext, ref: ProjectRef, services: readonly string[], signalName: string): Promise<void> {
  await each(s, "kill", "Killed", (await containersOf(s, ref, services)).filter(live), (c) => s.client.killContainer(c.id, { signal: s.signal, signalName }));
}

export async function pause(s: StackContext, ref: ProjectRef, services: readonly string[]): Promise<void> {
  await each(s, "pause", "Paused", (await containersOf(s, ref, services)).filter((c) => c.state === "running"), (c) => s.client.pauseContainer(c.id, { signal: s.signal }));
}

export async function unpause(s: StackContext, ref: ProjectRef, services: readonly string[]): Promise<void> {
  await each(s, "unpause", "Unpaused", (await containersOf(s, ref, services)).filter((c) => c.state === "paused"), (c) => s.client.unpauseContainer(c.id, { signal: s.signal }));
}

/** `rm`: removes the stopped containers (stopping them first with `stopFirst`). */
export async function remove(s: StackContext, ref: ProjectRef, services: readonly string[], o: { readonly stopFirst: boolean; readonly volumes: boolean }): Promise<void> {
  let containers = await containersOf(s, ref, services);
  if (o.stopFirst) {
    await stopContainers(s, ref, containers, undefined);
    containers = await containersOf(s, ref, services);
  }
  const stopped = containers.filter((c) => !live(c));
  if (stopped.length === 0) {
    s.reporter.status("No stopped containers");
    return;
  }
  await each(s, "rm", "Removed", stopped, (c) => s.client.removeContainer(c.id, { signal: s.signal, volumes: o.volumes }));
}
