import { failedPrecondition } from "../../common/errors.ts";
import { toEngineError } from "../../compose/engine-client/index.ts";
import type { Project } from "../../compose/model/index.ts";
import { dependenciesOf, type Plan, type PlanNode, type PlanOp } from "../../compose/plan/index.ts";
import { checkServices, type CommandContext } from "../context.ts";
import { listProjectContainers, type ProjectContainer } from "../containers.ts";
import type { Invocation } from "../program.ts";
import { runPlan } from "../stack-ops.ts";
import { confirmKilled, trackStops } from "../stop-escalation.ts";

type Verb = "start" | "stop" | "restart" | "kill" | "rm" | "pause" | "unpause";

export interface LifecycleOptions {
  readonly verb: Verb;
  readonly services: readonly string[];
  readonly timeoutSeconds?: number;
  readonly signal: string;
  readonly stopFirst: boolean;
  readonly volumes: boolean;
}

export function lifecycleOptionsOf(inv: Invocation): LifecycleOptions {
  const o = inv.options;
  return {
    verb: inv.command as Verb,
    services: inv.args,
    ...(typeof o["timeout"] === "number" ? { timeoutSeconds: o["timeout"] } : {}),
    signal: typeof o["signal"] === "string" ? o["signal"] : "SIGKILL",
    stopFirst: o["stop"] === true,
    volumes: o["volumes"] === true,
  };
}

/**
 * A plan of one kind of operation over containers, ordered by the project's dependencies:
 * starts after the services they depend on, stops before them. Pure.
 */
export function containerPlan(kind: "start-container" | "stop-container", containers: readonly ProjectContainer[], project: Project | undefined, timeoutSeconds?: number): Plan {
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

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const o = lifecycleOptionsOf(inv);
  const { name, loaded } = await ctx.projectOrName();
  checkServices(loaded, o.services);
  const conn = await ctx.engine();
  const containers = await listProjectContainers(conn.docker, name, { services: o.services });
  const project = loaded?.project;
  const each = async (list: readonly ProjectContainer[], done: string, f: (c: ProjectContainer) => Promise<unknown>) => {
    await Promise.all(
      list.map(async (c) => {
        try {
          await f(c);
        } catch (err) {
          throw toEngineError(err, `${o.verb} container ${c.name}`);
        }
        ctx.err(`Container ${c.name}  ${done}`);
      }),
    );
  };
  const stop = async (list: readonly ProjectContainer[]) => {
    const p = containerPlan("stop-container", list.filter((c) => c.state === "running" || c.state === "paused" || c.state === "restarting"), project, o.timeoutSeconds);
    const stops = trackStops(p, project, ctx.io.now);
    await runPlan(ctx, p, conn.client, "Stopping", stops.onEvent);
    for (const m of await stops.messages(confirmKilled(conn))) ctx.err(m);
  };
  switch (o.verb) {
    case "start":
      if (containers.length === 0) throw failedPrecondition(`service${o.services.length === 1 ? "" : "s"} ${o.services.join(", ") || "of project " + name} ha${o.services.length === 1 ? "s" : "ve"} no container to start`);
      await runPlan(ctx, containerPlan("start-container", containers.filter((c) => c.state !== "running"), project), conn.client, "Starting");
      return;
    case "stop":
      await stop(containers);
      return;
    case "restart":
      await each(containers, "Restarted", (c) => conn.docker.getContainer(c.id).restart(o.timeoutSeconds !== undefined ? { t: o.timeoutSeconds } : {}));
      return;
    case "kill":
      await each(containers.filter((c) => c.state === "running" || c.state === "paused" || c.state === "restarting"), "Killed", (c) => conn.docker.getContainer(c.id).kill({ signal: o.signal }));
      return;
    case "pause":
      await each(containers.filter((c) => c.state === "running"), "Paused", (c) => conn.docker.getContainer(c.id).pause());
      return;
    case "unpause":
      await each(containers.filter((c) => c.state === "paused"), "Unpaused", (c) => conn.docker.getContainer(c.id).unpause());
      return;
    case "rm": {
      if (o.stopFirst) await stop(containers);
      const fresh = o.stopFirst ? await listProjectContainers(conn.docker, name, { services: o.services }) : containers;
      const stopped = fresh.filter((c) => c.state !== "running" && c.state !== "paused" && c.state !== "restarting");
      if (stopped.length === 0) {
        ctx.err("No stopped containers");
        return;
      }
      await each(stopped, "Removed", (c) => conn.docker.getContainer(c.id).remove({ v: o.volumes }));
      return;
    }
  }
}
