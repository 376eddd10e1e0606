import { setTimeout as delay } from "node:timers/promises";
import { failedPrecondition, unavailable } from "../common/errors.ts";
import type { Project } from "../compose/model/index.ts";
import { listProjectContainers, type ProjectContainer } from "./containers.ts";
import type { CommandContext } from "./context.ts";
import type { EngineConnection } from "./engine-connection.ts";

/** Where a container stands for `up --wait`. */
export type Readiness = { readonly kind: "ready" } | { readonly kind: "pending" } | { readonly kind: "failed"; readonly why: string };

/** Docker's inspect fields `up --wait` looks at. */
export interface InspectState {
  readonly Status?: string;
  readonly ExitCode?: number;
  readonly Health?: { readonly Status?: string; readonly Log?: readonly { readonly Output?: string; readonly ExitCode?: number }[] };
}

/**
 * Pure: running (and healthy, when there is a healthcheck) is ready; unhealthy or exited fails
 * with the last health output or the exit code; an exit 0 is ready for a service that is
 * allowed to complete (a dependency waited on with service_completed_successfully).
 */
export function readinessOf(service: string, state: InspectState, mayComplete: boolean): Readiness {
  const health = state.Health?.Status;
  const last = state.Health?.Log?.at(-1)?.Output?.trim();
  switch (state.Status) {
    case "running":
      if (health === undefined || health === "" || health === "none" || health === "healthy") return { kind: "ready" };
      if (health === "unhealthy") return { kind: "failed", why: `service ${service} is unhealthy${last ? `: ${last}` : ""}` };
      return { kind: "pending" };
    case "exited":
    case "dead":
      if (mayComplete && state.ExitCode === 0) return { kind: "ready" };
      return { kind: "failed", why: `service ${service} exited with code ${state.ExitCode ?? "?"}${last ? `; last health output: ${last}` : ""}` };
    default:
      return { kind: "pending" };
  }
}

/** `up --wait`: polls until every container of `services` is ready, fails fast on one that is not. */
export async function waitForServices(ctx: CommandContext, conn: EngineConnection, project: Project, services: readonly string[], timeoutSeconds?: number): Promise<void> {
  const completes = new Set<string>();
  for (const s of Object.values(project.services)) {
    for (const [dep, d] of Object.entries(s.depends_on)) if (d.condition === "service_completed_successfully") completes.add(dep);
  }
  const deadline = timeoutSeconds !== undefined ? ctx.io.now() + timeoutSeconds * 1000 : Number.POSITIVE_INFINITY;
  const signal = ctx.io.interrupt.signal;
  for (;;) {
    const containers: ProjectContainer[] = await listProjectContainers(conn.docker, project.name, { services });
    let pending: string[] = [];
    for (const c of containers) {
      const st = ((await conn.docker.getContainer(c.id).inspect()) as { State?: InspectState }).State ?? {};
      const r = readinessOf(c.service, st, completes.has(c.service));
      if (r.kind === "failed") throw failedPrecondition(r.why);
      if (r.kind === "pending") pending.push(c.name);
    }
    const missing = services.filter((s) => !containers.some((c) => c.service === s) && (project.services[s]?.scale ?? 1) > 0);
    pending = [...pending, ...missing];
    if (pending.length === 0) return;
    if (ctx.io.now() > deadline) throw unavailable(`timed out after ${timeoutSeconds}s waiting for ${pending.join(", ")}`);
    await delay(500, undefined, { signal });
  }
}
