import { resolve } from "node:path";
import { copy, type CopyEnd } from "../../compose/stack/cp.ts";
import type { CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { stackOf } from "../stack-context.ts";

/** `SERVICE:PATH` or a host path. A leading `./` or `/` is always a host path. Pure. */
export function parseCopyArg(arg: string): { service: string; path: string } | { host: string } {
  if (arg.startsWith("/") || arg.startsWith(".")) return { host: arg };
  const i = arg.indexOf(":");
  return i > 0 ? { service: arg.slice(0, i), path: arg.slice(i + 1) } : { host: arg };
}

/** A host path made absolute; resolve() drops a trailing slash, which says "must be a directory". */
function absolute(end: CopyEnd, cwd: string): CopyEnd {
  return "host" in end ? { host: resolve(cwd, end.host) + (end.host.endsWith("/") ? "/" : "") } : end;
}

/** Copies through the engine's archive API, following docker cp's rules for the destination. */
export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const [src = "", dst = ""] = inv.args;
  const { name } = await ctx.projectOrName();
  await copy(await stackOf(ctx), name, absolute(parseCopyArg(src), ctx.io.cwd), absolute(parseCopyArg(dst), ctx.io.cwd), {
    index: typeof inv.options["index"] === "number" ? inv.options["index"] : 1,
    keepOwners: inv.options["archive"] === true,
  });
}
