import { setTimeout as delay } from "node:timers/promises";
import { failedPrecondition, unavailable } from "../../common/errors.ts";
import type { ContainerDetails } from "../engine-client/index.ts";
import type { Project } from "../model/index.ts";
import { projectContainers } from "../observe/index.ts";
import type { StackContext } from "./stack-context.ts";

/** Where a container stands for `up --wait`. */
export type Readiness = { readonly kind: "ready" } | { readonly kind: "pending" } | { readonly kind: "failed"; readonly why: string };

/**
 * Pure: running (and healthy, when there is a healthcheck) is ready; unhealthy or exited fails
 * with the last health output or the exit code; an exit 0 is ready for a service that is
 * allowed to complete (a dependency waited on with service_completed_successfully).
 */
export function readinessOf(service: string, state: ContainerDetails["state"], mayComplete: boolean): Readiness {
  const last = state.healthOutput;
  switch (state.status) {
    case "running":
      if (state.health === undefined || state.health === "none" || state.health === "healthy") return { kind: "ready" };
      if (state.health === "unhealthy") return { kind: "failed", why: `service ${service} is unhealthy${last ? `: ${last}` : ""}` };
      return { kind: "pending" };
    case "exited":
    case "dead":
      if (mayComplete && state.exitCode === 0) return { kind: "ready" };
      return { kind: "failed", why: `service ${service} exited with code ${state.exitCode}${last ? `; last health output: ${last}` : ""}` };
    default:
      return { kind: "pending" };
  }
}

/** `up --wait`: polls until every container of `services` is ready, fails fast on one that is not. */
export async function waitReady(s: StackContext, project: Project, services: readonly string[], timeoutSeconds?: number): Promise<void> {
  const completes = new Set<string>();
  for (const svc of Object.values(project.services)) {
    for (const [dep, d] of Object.entries(svc.depends_on)) if (d.condition === "service_completed_successfully") completes.add(dep);
  }
  const deadline = timeoutSeconds !== undefined ? s.now() + timeoutSeconds * 1000 : Number.POSITIVE_INFINITY;
  const sleep = s.sleep ?? ((ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }));
  for (;;) {
    const containers = await projectContainers(s.client, project.name, { services }, { signal: s.signal });
    const pending: string[] = [];
    for (const c of containers) {
      const r = readinessOf(c.service, (await s.client.inspectContainer(c.id, { signal: s.signal })).state, completes.has(c.service));
      if (r.kind === "failed") throw failedPrecondition(r.why);
      if (r.kind === "pending") pending.push(c.name);
    }
    pending.push(...services.filter((svc) => !containers.some((c) => c.service === svc) && (project.services[svc]?.scale ?? 1) > 0));
    if (pending.length === 0) return;
    if (s.now() > deadline) throw unavailable(`timed out after ${timeoutSeconds}s waiting for ${pending.join(", ")}`);
    await sleep(500, s.signal);
  }
}
