export { createDockerodeClient, healthFromStatusText } from "./dockerode-client.ts";
export { engineMessage, toEngineError } from "./engine-errors.ts";
export { FakeEngineClient } from "./fake-engine-client.ts";
export type * from "./engine-client.ts";
export type * from "./docker-shapes.ts";
