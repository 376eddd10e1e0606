import type { ProcessList } from "../engine-client/index.ts";
import { projectContainers } from "../observe/index.ts";
import type { StackContext } from "./stack-context.ts";

/** `top`: the processes of each running container of the services. */
export async function top(s: Pick<StackContext, "client" | "signal">, projectName: string, services: readonly string[]): Promise<{ readonly container: string; readonly processes: ProcessList }[]> {
  const out: { container: string; processes: ProcessList }[] = [];
  for (const c of await projectContainers(s.client, projectName, { services, live: true }, { signal: s.signal })) {
    out.push({ container: c.name, processes: await s.client.topContainer(c.id, { signal: s.signal }) });
  }
  return out;
}
