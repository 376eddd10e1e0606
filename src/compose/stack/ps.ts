import { projectContainers, type ObservedContainer } from "../observe/index.ts";
import type { StackContext } from "./stack-context.ts";

export interface PsOptions {
  readonly services: readonly string[];
  /** Stopped and one-off containers too. */
  readonly all: boolean;
  /** Only containers in these states (running, exited, ...); stopped ones are then included. */
  readonly status: readonly string[];
}

/** The project's containers, sorted by service and replica. */
export async function ps(s: Pick<StackContext, "client" | "signal">, projectName: string, o: PsOptions): Promise<ObservedContainer[]> {
  const containers = await projectContainers(s.client, projectName, { services: o.services, live: !o.all && o.status.length === 0, oneoff: o.all }, { signal: s.signal });
  return o.status.length > 0 ? containers.filter((c) => o.status.includes(c.state)) : containers;
}
