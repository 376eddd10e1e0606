import { notFound } from "../../common/errors.ts";
import { projectContainers } from "../observe/index.ts";
import type { StackContext } from "./stack-context.ts";

/** `port`: the host address (`ip:port`) a container port of the service is published on. */
export async function port(
  s: Pick<StackContext, "client" | "signal">,
  projectName: string,
  o: { readonly service: string; readonly index: number; readonly privatePort: number; readonly protocol: string },
): Promise<string> {
  const c = (await projectContainers(s.client, projectName, { services: [o.service] }, { signal: s.signal })).find((x) => x.number === o.index);
  if (c === undefined) throw notFound(`service "${o.service}" has no container ${o.index}`);
  const p = c.ports.find((x) => x.privatePort === o.privatePort && x.protocol === o.protocol && x.publicPort !== undefined);
  if (p === undefined) throw notFound(`no port ${o.privatePort}/${o.protocol} published for ${c.name}`);
  return `${p.ip ?? "0.0.0.0"}:${p.publicPort}`;
}
