import { listProjectContainers } from "../containers.ts";
import { checkServices, type CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { ExitStatus } from "../cli-errors.ts";

/** Waits for the services' containers to stop and prints each exit code; exits with the first non-zero one. */
export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const { name, loaded } = await ctx.projectOrName();
  checkServices(loaded, inv.args);
  const conn = await ctx.engine();
  const containers = await listProjectContainers(conn.docker, name, { services: inv.args });
  const signal = ctx.io.interrupt.signal;
  const codes = await Promise.all(
    containers.map(async (c) => {
      const { statusCode } = await conn.client.waitContainer(c.id, { signal });
      ctx.out(`${c.name} ${statusCode}`);
      return statusCode;
    }),
  );
  if (inv.options["downProject"] === true) {
    const down = await import("./down.ts");
    await down.run(ctx, { command: "down", args: [], options: {} });
  }
  const bad = codes.find((c) => c !== 0);
  if (bad !== undefined) throw new ExitStatus(bad);
}
