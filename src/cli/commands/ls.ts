import { listProjects } from "../../compose/stack/ls.ts";
import type { CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { stackOf } from "../stack-context.ts";
import { table } from "../table.ts";

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const projects = await listProjects(await stackOf(ctx), { all: inv.options["all"] === true });
  if (inv.options["quiet"] === true) ctx.io.stdout.write(projects.map((p) => `${p.name}\n`).join(""));
  else if (inv.options["format"] === "json") ctx.out(JSON.stringify(projects.map((p) => ({ Name: p.name, Status: p.status, ConfigFiles: p.configFiles }))));
  else ctx.io.stdout.write(table(["NAME", "STATUS", "CONFIG FILES"], projects.map((p) => [p.name, p.status, p.configFiles])));
}
