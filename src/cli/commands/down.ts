import { formatPlan } from "../../compose/plan/index.ts";
import { down, type DownOptions } from "../../compose/stack/down.ts";
import type { CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { stackOf } from "../stack-context.ts";
import { stackCall } from "../stack-errors.ts";

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

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const opts = downOptionsOf(inv);
  const { name, loaded } = await ctx.projectOrName();
  const { plan } = await stackCall(down(await stackOf(ctx), { name, ...(loaded !== undefined ? { project: loaded.project } : {}) }, opts));
  if (opts.dryRun) ctx.io.stdout.write(formatPlan(plan));
}
