import { unimplemented } from "../../common/errors.ts";
import { watch } from "../../compose/stack/watch.ts";
import { nodeFileWatcher, type RebuildService, type WatchSessionOptions } from "../../compose/watch/index.ts";
import { checkServices, type CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { stackOf } from "../stack-context.ts";
import { stackCall } from "../stack-errors.ts";

/** `watch`'s command line. Pure. */
export interface WatchCommand {
  readonly services: readonly string[];
  readonly noUp: boolean;
  readonly prune: boolean;
  /** No status lines (what was synced, restarted); warnings still show. */
  readonly quiet: boolean;
}

export function watchCommandOf(inv: Invocation): WatchCommand {
  const o = inv.options;
  return { services: inv.args, noUp: o["up"] === false, prune: o["prune"] === true, quiet: o["quiet"] === true };
}

// The image builder is not wired in yet: a rebuild rule fails (one WARN line) and the watch goes on.
const rebuildUnavailable: RebuildService = async () => {
  throw unimplemented("rebuild needs the builder (not yet available)");
};

/** What the CLI plugs into a watch: inotify through fs.watch, and the rebuild. */
export function watchPorts(prune: boolean): Omit<WatchSessionOptions, "services"> {
  return { watcher: nodeFileWatcher(), rebuild: rebuildUnavailable, prune };
}

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const cmd = watchCommandOf(inv);
  const loaded = await ctx.project(cmd.services, { forWatch: true });
  checkServices(loaded, cmd.services);
  const s = await stackOf(ctx, { quiet: cmd.quiet });
  await stackCall(watch(s, loaded, { ...watchPorts(cmd.prune), services: cmd.services, noUp: cmd.noUp }));
}
