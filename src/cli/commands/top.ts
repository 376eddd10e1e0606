import { listProjectContainers } from "../containers.ts";
import type { CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { table } from "../table.ts";

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const { name } = await ctx.projectOrName();
  const conn = await ctx.engine();
  for (const c of await listProjectContainers(conn.docker, name, { services: inv.args, all: false })) {
    const t = (await conn.docker.getContainer(c.id).top()) as { Titles?: string[]; Processes?: string[][] };
    ctx.out(c.name);
    ctx.io.stdout.write(table(t.Titles ?? [], t.Processes ?? []));
    ctx.out("");
  }
}
