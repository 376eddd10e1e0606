import { kill, pause, remove, restart, start, stop, unpause } from "../../compose/stack/lifecycle.ts";
import { checkServices, type CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { stackOf } from "../stack-context.ts";
import { stackCall } from "../stack-errors.ts";

type Verb = "start" | "stop" | "restart" | "kill" | "rm" | "pause" | "unpause";

export interface LifecycleOptions {
  readonly verb: Verb;
  readonly services: readonly string[];
  readonly timeoutSeconds?: number;
  readonly signal: string;
  readonly stopFirst: boolean;
  readonly volumes: boolean;
}

export function lifecycleOptionsOf(inv: Invocation): LifecycleOptions {
  const o = inv.options;
  return {
    verb: inv.command as Verb,
    services: inv.args,
    ...(typeof o["timeout"] === "number" ? { timeoutSeconds: o["timeout"] } : {}),
    signal: typeof o["signal"] === "string" ? o["signal"] : "SIGKILL",
    stopFirst: o["stop"] === true,
    volumes: o["volumes"] === true,
  };
}

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const o = lifecycleOptionsOf(inv);
  const { name, loaded } = await ctx.projectOrName();
  checkServices(loaded, o.services);
  const s = await stackOf(ctx);
  const ref = { name, ...(loaded !== undefined ? { project: loaded.project } : {}) };
  switch (o.verb) {
    case "start":
      return stackCall(start(s, ref, o.services));
    case "stop":
      return stop(s, ref, o.services, o.timeoutSeconds);
    case "restart":
      return restart(s, ref, o.services, o.timeoutSeconds);
    case "kill":
      return kill(s, ref, o.services, o.signal);
    case "pause":
      return pause(s, ref, o.services);
    case "unpause":
      return unpause(s, ref, o.services);
    case "rm":
      return remove(s, ref, o.services, { stopFirst: o.stopFirst, volumes: o.volumes });
  }
}
