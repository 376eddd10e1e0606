import { parseDependsOnLabel, LABEL } from "../labels/index.ts";
import type { Project } from "../model/index.ts";
import type { ObservedContainer, ObservedState } from "../observe/index.ts";
import { isActive } from "./decide-service.ts";
import { PlanBuilder } from "./plan-builder.ts";
import type { DownPlanOptions, Plan } from "./plan-types.ts";
import { dependenciesOf } from "./service-graph.ts";

/**
 * `down` as data: stop containers in reverse dependency order (a service stops after the
 * services that depend on it), remove them, then the project's networks, and its named volumes
 * with `volumes`. Pure.
 *
 * Without a project (`down -p name` with no compose file) everything labelled with the project
 * goes, and the dependency order comes from the containers' `com.docker.compose.depends_on`
 * labels — the reason the label exists.
 */
export function planDown(project: Project | undefined, observed: ObservedState, opts: DownPlanOptions = {}): Plan {
  const b = new PlanBuilder();
  let containers = observed.containers.filter((c) => !c.oneoff);
  if (project !== undefined) {
    const defined = new Set([...Object.keys(project.services), ...project.disabled_services]);
    const orphans = observed.containers.filter((c) => (c.oneoff ? true : !defined.has(c.service)));
    containers = containers.filter((c) => defined.has(c.service));
    if (opts.removeOrphans) containers = [...containers, ...orphans];
    else if (orphans.length > 0) {
      b.warnings.push(`found orphan containers (${orphans.map((c) => c.name).join(", ")}) for this project; run with --remove-orphans to remove them too`);
    }
  }

  // Who depends on whom, from the model when there is one, else from the labels.
  const dependsOn = new Map<string, Set<string>>();
  const note = (svc: string, dep: string) => dependsOn.set(svc, (dependsOn.get(svc) ?? new Set()).add(dep));
  if (project !== undefined) {
    for (const [name, s] of Object.entries(project.services)) for (const dep of dependenciesOf(s).keys()) note(name, dep);
  }
  for (const c of containers) for (const e of parseDependsOnLabel(c.labels[LABEL.dependsOn])) note(c.service, e.service);

  const byService = new Map<string, ObservedContainer[]>();
  for (const c of containers) byService.set(c.service, [...(byService.get(c.service) ?? []), c]);

  // Dependants first: repeatedly take services no remaining service depends on.
  const stops = new Map<string, number[]>();
  const pending = new Set(byService.keys());
  const removals: number[] = [];
  while (pending.size > 0) {
    const ready = [...pending]
      .filter((s) => ![...pending].some((t) => t !== s && dependsOn.get(t)?.has(s)))
      .sort();
    // A dependency cycle (possible only through hand-edited labels) must not stop `down`.
    const batch = ready.length > 0 ? ready : [...pending].sort();
    for (const s of batch) {
      pending.delete(s);
      const after = [...byService.keys()].filter((t) => t !== s && dependsOn.get(t)?.has(s)).flatMap((t) => stops.get(t) ?? []);
      const timeout = timeoutOf(project, s, opts);
      const ids: number[] = [];
      for (const c of byService.get(s) ?? []) {
        const stop = isActive(c) ? b.add({ kind: "stop-container", service: s, container: c.id, name: c.name, ...timeout }, "down", after) : undefined;
        if (stop !== undefined) ids.push(stop);
        const removeAfter = stop !== undefined ? [stop] : after;
        removals.push(b.add({ kind: "remove-container", service: s, container: c.id, name: c.name, volumes: opts.volumes === true }, "down", removeAfter));
      }
      stops.set(s, ids);
    }
  }

  const networks =
    project === undefined
      ? observed.networks
      : observed.networks.filter((n) => Object.values(project.networks).some((pn) => !pn.external && pn.name === n.name));
  for (const n of networks) b.add({ kind: "remove-network", name: n.name }, "down", removals);

  if (opts.volumes) {
    const volumes =
      project === undefined
        ? observed.volumes
        : observed.volumes.filter((v) => Object.values(project.volumes).some((pv) => !pv.external && pv.name === v.name));
    for (const v of volumes) b.add({ kind: "remove-volume", name: v.name }, "down -v", removals);
  }
  return { nodes: b.nodes(), warnings: b.warnings };
}

function timeoutOf(project: Project | undefined, service: string, opts: DownPlanOptions): { timeoutSeconds?: number } {
  if (opts.timeoutSeconds !== undefined) return { timeoutSeconds: opts.timeoutSeconds };
  const ns = project?.services[service]?.stop_grace_period_ns;
  return ns === undefined ? {} : { timeoutSeconds: Math.ceil(ns / 1e9) };
}
