import { notFound } from "../../common/errors.ts";
import { listProjectContainers } from "../containers.ts";
import type { CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const [service = "", privatePort = ""] = inv.args;
  const proto = typeof inv.options["protocol"] === "string" ? inv.options["protocol"] : "tcp";
  const index = typeof inv.options["index"] === "number" ? inv.options["index"] : 1;
  const { name } = await ctx.projectOrName();
  const conn = await ctx.engine();
  const c = (await listProjectContainers(conn.docker, name, { services: [service] })).find((x) => x.number === index);
  if (c === undefined) throw notFound(`service "${service}" has no container ${index}`);
  const p = c.ports.find((x) => String(x.PrivatePort) === privatePort && x.Type === proto && x.PublicPort !== undefined);
  if (p === undefined) throw notFound(`no port ${privatePort}/${proto} published for ${c.name}`);
  ctx.out(`${p.IP !== undefined && p.IP !== "" ? p.IP : "0.0.0.0"}:${p.PublicPort}`);
}
