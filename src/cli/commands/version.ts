import type { CommandContext } from "../context.ts";
import { tstackVersion } from "../main.ts";
import type { Invocation } from "../program.ts";

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const v = tstackVersion();
  if (inv.options["short"] === true) ctx.out(v);
  else if (inv.options["format"] === "json") ctx.out(JSON.stringify({ version: v }));
  else ctx.out(`tstack version ${v}`);
}
