import { logs } from "../../compose/stack/logs.ts";
import type { CommandContext } from "../context.ts";
import { checkServices } from "../context.ts";
import { logPrinter, timeArg } from "../logs/log-format.ts";
import type { Invocation } from "../program.ts";
import { stackOf } from "../stack-context.ts";

export interface LogsOptions {
  readonly services: readonly string[];
  readonly follow: boolean;
  readonly tail: string;
  readonly since?: string;
  readonly until?: string;
  readonly timestamps: boolean;
  readonly color: boolean;
  readonly prefix: boolean;
  readonly index?: number;
}

export function logsOptionsOf(inv: Invocation): LogsOptions {
  const o = inv.options;
  return {
    services: inv.args,
    follow: o["follow"] === true,
    tail: typeof o["tail"] === "string" ? o["tail"] : "all",
    ...(typeof o["since"] === "string" ? { since: o["since"] } : {}),
    ...(typeof o["until"] === "string" ? { until: o["until"] } : {}),
    timestamps: o["timestamps"] === true,
    color: o["color"] !== false,
    prefix: o["logPrefix"] !== false,
    ...(typeof o["index"] === "number" ? { index: o["index"] } : {}),
  };
}

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const opts = logsOptionsOf(inv);
  const { name, loaded } = await ctx.projectOrName();
  checkServices(loaded, opts.services);
  const all = loaded !== undefined ? Object.keys(loaded.project.services).sort() : [...opts.services].sort();
  const printer = logPrinter(ctx.out, all, { prefix: opts.prefix, color: opts.color && ctx.color, width: Math.max(...all.map((s) => s.length + 3), 0) });
  const now = ctx.io.now();
  await logs(
    await stackOf(ctx),
    name,
    {
      services: opts.services,
      follow: opts.follow,
      ...(opts.tail !== "all" ? { tail: Number(opts.tail) } : {}),
      ...(opts.since !== undefined ? { since: timeArg(opts.since, now) } : {}),
      ...(opts.until !== undefined ? { until: timeArg(opts.until, now) } : {}),
      timestamps: opts.timestamps,
      ...(opts.index !== undefined ? { index: opts.index } : {}),
    },
    printer,
  );
}
