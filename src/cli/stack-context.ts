import type { StackContext, StackReporter } from "../compose/stack/stack-context.ts";
import type { CommandContext } from "./context.ts";
import { createProgressRenderer } from "./progress/renderer.ts";

/**
 * What a command hands a stack operation: the engine (started if need be), progress and warnings
 * rendered as --progress and --ansi say, Ctrl-C as the signal. `quiet` drops progress and status
 * lines (`pull -q`, `push -q`); warnings still show.
 */
export async function stackOf(ctx: CommandContext, o: { readonly quiet?: boolean } = {}): Promise<StackContext> {
  const line = await ctx.engineLine();
  return {
    client: line.client,
    reporter: reporterOf(ctx, o.quiet === true),
    signal: ctx.io.interrupt.signal,
    now: ctx.io.now,
    ...(ctx.global.parallel !== undefined ? { concurrency: ctx.global.parallel } : {}),
  };
}

function reporterOf(ctx: CommandContext, quiet: boolean): StackReporter {
  return {
    progress: (verb) => createProgressRenderer({ mode: quiet ? "quiet" : ctx.global.progress, stream: ctx.io.stderr, color: ctx.color, now: ctx.io.now, verb }),
    warn: (m) => ctx.warn(m),
    status: (l) => (quiet ? undefined : ctx.err(l)),
  };
}
