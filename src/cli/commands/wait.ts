import { wait } from "../../compose/stack/wait.ts";
import { ExitStatus } from "../cli-errors.ts";
import { checkServices, type CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { stackOf } from "../stack-context.ts";

/** Waits for the services' containers to stop and prints each exit code; exits with the first non-zero one. */
export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const { name, loaded } = await ctx.projectOrName();
  checkServices(loaded, inv.args);
  const ref = { name, ...(loaded !== undefined ? { project: loaded.project } : {}) };
  const code = await wait(await stackOf(ctx), ref, { services: inv.args, downProject: inv.options["downProject"] === true, onExit: (c, status) => ctx.out(`${c} ${status}`) });
  if (code !== 0) throw new ExitStatus(code);
}
