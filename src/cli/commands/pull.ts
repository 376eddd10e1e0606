import { imageRef } from "../../compose/plan/index.ts";
import type { PlanNode } from "../../compose/plan/index.ts";
import { categorize } from "../cli-errors.ts";
import { checkServices, type CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { runPlan } from "../stack-ops.ts";

/** Pulls the images of the services (those with `image:`; built ones are skipped), in parallel with progress. */
export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const loaded = await ctx.project(inv.args);
  checkServices(loaded, inv.args);
  const project = loaded.project;
  const services = Object.values(project.services).filter((s) => (inv.args.length === 0 || inv.args.includes(s.name)) && s.image !== undefined);
  const byRef = new Map<string, string[]>();
  for (const s of services) byRef.set(imageRef(project, s), [...(byRef.get(imageRef(project, s)) ?? []), s.name]);
  const nodes: PlanNode[] = [...byRef].map(([image, svcs], i) => ({ id: i + 1, op: { kind: "pull-image", image, services: svcs }, reason: "pull requested", deps: [] }));
  const conn = await ctx.engine();
  if (inv.options["ignorePullFailures"] === true) {
    for (const n of nodes) {
      try {
        await runPlan(ctx, { nodes: [{ ...n, id: 1 }], warnings: [] }, conn.client, "Pulling");
      } catch (err) {
        ctx.warn((err as Error).message);
      }
    }
    return;
  }
  if (inv.options["quiet"] === true) {
    await Promise.all([...byRef.keys()].map((ref) => conn.client.pullImage(ref).catch((err) => Promise.reject(categorize("pull", err)))));
    return;
  }
  await runPlan(ctx, { nodes, warnings: [] }, conn.client, "Pulling");
}
