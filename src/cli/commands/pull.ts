import { pull } from "../../compose/stack/pull.ts";
import { checkServices, type CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { stackOf } from "../stack-context.ts";
import { stackCall } from "../stack-errors.ts";

/** Pulls the images of the services (those with `image:`; built ones are skipped), in parallel with progress. */
export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const loaded = await ctx.project(inv.args);
  checkServices(loaded, inv.args);
  const s = await stackOf(ctx, { quiet: inv.options["quiet"] === true });
  await stackCall(pull(s, loaded.project, { services: inv.args, ignoreFailures: inv.options["ignorePullFailures"] === true }));
}
