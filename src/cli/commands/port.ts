import { port } from "../../compose/stack/port.ts";
import type { CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { stackOf } from "../stack-context.ts";

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const [service = "", privatePort = ""] = inv.args;
  const protocol = typeof inv.options["protocol"] === "string" ? inv.options["protocol"] : "tcp";
  const index = typeof inv.options["index"] === "number" ? inv.options["index"] : 1;
  const { name } = await ctx.projectOrName();
  ctx.out(await port(await stackOf(ctx), name, { service, index, privatePort: Number(privatePort), protocol }));
}
