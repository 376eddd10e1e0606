import { projectContainers } from "../observe/index.ts";
import type { StackContext } from "./stack-context.ts";

export interface ContainerImage {
  readonly container: string;
  /** The reference the container was created with. */
  readonly image: string;
  /** "" when the image is gone since. */
  readonly id: string;
  readonly size: number;
}

/** `images`: the image of each of the services' containers. */
export async function images(s: Pick<StackContext, "client" | "signal">, projectName: string, services: readonly string[]): Promise<ContainerImage[]> {
  const out: ContainerImage[] = [];
  for (const c of await projectContainers(s.client, projectName, { services }, { signal: s.signal })) {
    // An image removed since still lists its container.
    const i = await s.client.inspectImage(c.image, { signal: s.signal }).catch(() => undefined);
    out.push({ container: c.name, image: c.image, id: i?.id ?? "", size: i?.size ?? 0 });
  }
  return out;
}
