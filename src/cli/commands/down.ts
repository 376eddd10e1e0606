import { isKind } from "../../common/errors.ts";
import { observe, type ObservedState } from "../../compose/observe/index.ts";
import { formatPlan, imageRef, planDown } from "../../compose/plan/index.ts";
import type { Project } from "../../compose/model/index.ts";
import { toEngineError } from "../../compose/engine-client/index.ts";
import type { CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { runPlan } from "../stack-ops.ts";
import { confirmKilled, trackStops } from "../stop-escalation.ts";
import type { EngineConnection } from "../engine-connection.ts";

export interface DownOptions {
  readonly services: readonly string[];
  readonly volumes: boolean;
  readonly rmi?: "local" | "all";
  readonly removeOrphans: boolean;
  readonly timeoutSeconds?: number;
  readonly dryRun: boolean;
}

export function downOptionsOf(inv: Invocation): DownOptions {
  const o = inv.options;
  return {
    services: inv.args,
    volumes: o["volumes"] === true,
    ...(o["rmi"] === "local" || o["rmi"] === "all" ? { rmi: o["rmi"] } : {}),
    removeOrphans: o["removeOrphans"] === true,
    ...(typeof o["timeout"] === "number" ? { timeoutSeconds: o["timeout"] } : {}),
    dryRun: o["dryRun"] === true,
  };
}

/** `down SERVICE…` only touches those services' containers; networks and volumes stay. */
export function restrictToServices(observed: ObservedState, services: readonly string[]): ObservedState {
  if (services.length === 0) return observed;
  return { ...observed, containers: observed.containers.filter((c) => services.includes(c.service)), networks: [], volumes: [] };
}

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const opts = downOptionsOf(inv);
  const { name, loaded } = await ctx.projectOrName();
  const conn = await ctx.engine();
  const observed = restrictToServices(await observe(conn.client, name, { signal: ctx.io.interrupt.signal }), opts.services);
  const p = planDown(loaded?.project, observed, {
    volumes: opts.volumes,
    removeOrphans: opts.removeOrphans,
    ...(opts.timeoutSeconds !== undefined ? { timeoutSeconds: opts.timeoutSeconds } : {}),
  });
  if (opts.dryRun) {
    ctx.io.stdout.write(formatPlan(p));
    return;
  }
  if (p.nodes.length === 0 && opts.rmi === undefined) {
    ctx.warn(`no resource found to remove for project "${name}"`);
    return;
  }
  const stops = trackStops(p, loaded?.project, ctx.io.now);
  await runPlan(ctx, p, conn.client, "Running", stops.onEvent);
  for (const m of await stops.messages(confirmKilled(conn))) ctx.err(m);
  if (opts.rmi !== undefined) await removeImages(ctx, conn, loaded?.project, observed, opts.rmi);
}

// --rmi local: images without a custom tag (built for a service without `image:`); all: every image used.
async function removeImages(ctx: CommandContext, conn: EngineConnection, project: Project | undefined, observed: ObservedState, which: "local" | "all"): Promise<void> {
  const refs = new Set<string>();
  if (project !== undefined) {
    for (const s of Object.values(project.services)) if (which === "all" || s.image === undefined) refs.add(imageRef(project, s));
  } else if (which === "all") {
    for (const c of observed.containers) if (c.imageId !== "") refs.add(c.imageId);
  }
  for (const ref of refs) {
    try {
      await conn.docker.getImage(ref).remove();
      ctx.err(`Image ${ref}  Removed`);
    } catch (err) {
      const e = toEngineError(err, `remove image ${ref}`);
      if (!isKind(e, "NotFound")) ctx.warn(e instanceof Error ? e.message : String(e));
    }
  }
}
