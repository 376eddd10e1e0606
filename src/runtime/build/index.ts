// The image builder over the engine: BuildPorts (src/build/executor/ports.ts) implemented with
// the engine's image service, snapshotter, content store, runc and shims.
export { createEngineBuilder } from "./engine-builder.ts";
export type { EngineBuilder, EngineBuilderOptions, EngineBuildRequest } from "./engine-builder.ts";
export { createBuildCache } from "./build-cache.ts";
export { createContextWalker } from "./context-walker.ts";
export { BUILD_SNAPSHOT_LABEL } from "./snapshots-port.ts";
