import { top } from "../../compose/stack/top.ts";
import type { CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { stackOf } from "../stack-context.ts";
import { table } from "../table.ts";

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const { name } = await ctx.projectOrName();
  for (const t of await top(await stackOf(ctx), name, inv.args)) {
    ctx.out(t.container);
    ctx.io.stdout.write(table(t.processes.titles, t.processes.processes));
    ctx.out("");
  }
}
