import type { EngineEvent } from "../engine-client/index.ts";
import { LABEL, projectFilter } from "../labels/index.ts";
import type { StackContext } from "./stack-context.ts";

/** `events`: the project's container events (of some services; all when empty) until the signal aborts. */
export async function* events(s: Pick<StackContext, "client" | "signal">, projectName: string, services: readonly string[]): AsyncGenerator<EngineEvent> {
  for await (const e of s.client.events({ filters: { type: ["container"], label: [projectFilter(projectName)] }, signal: s.signal })) {
    if (services.length === 0 || services.includes(e.attributes[LABEL.service] ?? "")) yield e;
  }
}
