import { push } from "../../compose/stack/push.ts";
import { checkServices, type CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { stackOf } from "../stack-context.ts";

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const loaded = await ctx.project(inv.args);
  checkServices(loaded, inv.args);
  const s = await stackOf(ctx, { quiet: inv.options["quiet"] === true });
  await push(s, loaded.project, { services: inv.args, ignoreFailures: inv.options["ignorePushFailures"] === true });
}
