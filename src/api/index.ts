// tstack's Docker Engine API: node:http on a unix socket, translating to and from the engine.
export { startApiServer, type ApiServer, type ApiServerOptions } from "./server.ts";
export { translateContainerCreate } from "./compat/container-create.ts";
export { containerInspectJson, containerListJson } from "./compat/container-json.ts";
export { stdcopyFrame, StdcopyDecoder } from "./stdcopy.ts";
export { replyFor, statusOf } from "./errors.ts";
export { DEFAULT_API_VERSION, MIN_API_VERSION, MAX_API_VERSION } from "./router.ts";
