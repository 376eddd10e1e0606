import { isKind } from "../../common/errors.ts";
import { observe, type ObservedState } from "../observe/index.ts";
import { imageRef, planDown, type Plan } from "../plan/index.ts";
import { runPlan } from "./run-plan.ts";
import type { ProjectRef, StackContext } from "./stack-context.ts";
import { confirmKilled, trackStops } from "./stop-escalation.ts";

export interface DownOptions {
  /** Only these services' containers; networks and volumes then stay. All when empty. */
  readonly services: readonly string[];
  readonly volumes: boolean;
  /** Also remove images: `local` those built for a service without `image:`, `all` every one used. */
  readonly rmi?: "local" | "all";
  readonly removeOrphans: boolean;
  readonly timeoutSeconds?: number;
  /** Plan only. */
  readonly dryRun: boolean;
}

/** `down SERVICE…` only touches those services' containers; networks and volumes stay. Pure. */
export function restrictToServices(observed: ObservedState, services: readonly string[]): ObservedState {
  if (services.length === 0) return observed;
  return { ...observed, containers: observed.containers.filter((c) => services.includes(c.service)), networks: [], volumes: [] };
}

/**
 * `down`: stops and removes the project's containers (and networks, volumes with `volumes`),
 * found by label, so a project name is enough. Reports a stop that had to end in SIGKILL.
 */
export async function down(s: StackContext, ref: ProjectRef, o: DownOptions): Promise<{ readonly plan: Plan }> {
  const observed = restrictToServices(await observe(s.client, ref.name, { signal: s.signal }), o.services);
  const p = planDown(ref.project, observed, {
    volumes: o.volumes,
    removeOrphans: o.removeOrphans,
    ...(o.timeoutSeconds !== undefined ? { timeoutSeconds: o.timeoutSeconds } : {}),
  });
  if (o.dryRun) return { plan: p };
  if (p.nodes.length === 0 && o.rmi === undefined) {
    s.reporter.warn(`no resource found to remove for project "${ref.name}"`);
    return { plan: p };
  }
  const stops = trackStops(p, ref.project, s.now);
  await runPlan(s, p, "Running", stops.onEvent);
  for (const m of await stops.messages(confirmKilled(s.client))) s.reporter.status(m);
  if (o.rmi !== undefined) await removeImages(s, ref, observed, o.rmi);
  return { plan: p };
}

async function removeImages(s: StackContext, { project }: ProjectRef, observed: ObservedState, which: "local" | "all"): Promise<void> {
  const refs = new Set<string>();
  if (project !== undefined) {
    for (const svc of Object.values(project.services)) if (which === "all" || svc.image === undefined) refs.add(imageRef(project, svc));
  } else if (which === "all") {
    for (const c of observed.containers) if (c.imageId !== "") refs.add(c.imageId);
  }
  for (const ref of refs) {
    try {
      await s.client.removeImage(ref, { signal: s.signal });
      s.reporter.status(`Image ${ref}  Removed`);
    } catch (err) {
      if (!isKind(err, "NotFound")) s.reporter.warn(err instanceof Error ? err.message : String(err));
    }
  }
}
