export { createHttpEngineClient, healthFromStatusText, pullQuery, splitTag } from "./http-engine-client.ts";
export { createEngineHttp, EngineHttpError, type EngineAddress, type EngineHttp } from "./engine-http.ts";
export { engineMessage, toEngineError } from "./engine-errors.ts";
export { FakeEngineClient } from "./fake-engine-client.ts";
export type * from "./engine-client.ts";
export type * from "./docker-shapes.ts";
