import type { EngineEvent } from "../../compose/engine-client/index.ts";
import { LABEL } from "../../compose/labels/index.ts";
import { events } from "../../compose/stack/events.ts";
import type { CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { stackOf } from "../stack-context.ts";

/** `2024-05-01 10:00:00.000000 container start <id> (name=…, image=…)` or one JSON object. Pure. */
export function formatEvent(e: EngineEvent, json: boolean): string {
  const time = new Date(Math.floor(e.timeNano / 1e6)).toISOString();
  const service = e.attributes[LABEL.service] ?? "";
  if (json) return JSON.stringify({ time, type: e.type, action: e.action, id: e.id, service, attributes: e.attributes });
  const attrs = Object.entries(e.attributes).filter(([k]) => !k.startsWith("com.docker.compose.") && !k.startsWith("io.tstack.")).map(([k, v]) => `${k}=${v}`).join(", ");
  return `${time} ${e.type} ${e.action} ${e.id}${attrs !== "" ? ` (${attrs})` : ""}`;
}

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const { name } = await ctx.projectOrName();
  const json = inv.options["json"] === true;
  for await (const e of events(await stackOf(ctx), name, inv.args)) ctx.out(formatEvent(e, json));
}
