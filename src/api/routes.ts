import type { ApiDeps } from "./deps.ts";
import { archiveRoutes } from "./handlers/archive.ts";
import { attachRoutes } from "./handlers/attach.ts";
import { buildRoutes } from "./handlers/build.ts";
import { containerRoutes } from "./handlers/containers.ts";
import { execRoutes } from "./handlers/exec.ts";
import { imageRoutes } from "./handlers/images.ts";
import { logRoutes } from "./handlers/logs.ts";
import { networkRoutes } from "./handlers/networks.ts";
import { systemRoutes } from "./handlers/system.ts";
import { volumeRoutes } from "./handlers/volumes.ts";
import type { Handler } from "./http/context.ts";
import { Router } from "./router.ts";

export function buildRouter(deps: ApiDeps): Router<Handler> {
  const r = new Router<Handler>();
  systemRoutes(r, deps);
  containerRoutes(r, deps);
  logRoutes(r, deps);
  attachRoutes(r, deps);
  archiveRoutes(r, deps);
  execRoutes(r, deps);
  imageRoutes(r, deps);
  buildRoutes(r, deps);
  networkRoutes(r, deps);
  volumeRoutes(r, deps);
  return r;
}
