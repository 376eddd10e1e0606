import { projectContainers } from "../observe/index.ts";
import { down } from "./down.ts";
import type { ProjectRef, StackContext } from "./stack-context.ts";

export interface WaitOptions {
  readonly services: readonly string[];
  /** Take the project down once they have stopped. */
  readonly downProject: boolean;
  /** Each container's exit, as it happens. */
  readonly onExit?: (container: string, code: number) => void;
}

/** `wait`: until the services' containers stop. Returns the first non-zero exit code, else 0. */
export async function wait(s: StackContext, ref: ProjectRef, o: WaitOptions): Promise<number> {
  const containers = await projectContainers(s.client, ref.name, { services: o.services }, { signal: s.signal });
  const codes = await Promise.all(
    containers.map(async (c) => {
      const { statusCode } = await s.client.waitContainer(c.id, { signal: s.signal });
      o.onExit?.(c.name, statusCode);
      return statusCode;
    }),
  );
  if (o.downProject) await down(s, ref, { services: [], volumes: false, removeOrphans: false, dryRun: false });
  return codes.find((c) => c !== 0) ?? 0;
}
