// `watch`: develop.watch rules → a plan; host file events → batches → per-service work (sync
// over the archive API, restart, exec, rebuild) on the running containers; convergence by
// content hash when the watch starts and whenever a container starts.
export { applyWork, type RebuildService, type WatchedContainer } from "./apply.ts";
export { createBatcher, DEFAULT_TIMING, type BatchTiming, type Batcher, type FileChange } from "./batcher.ts";
export type { FileWatcher, WatchHandle, WatchRequest } from "./file-watcher.ts";
export { nodeFileWatcher } from "./node-file-watcher.ts";
export { ALWAYS_IGNORED, pathFilter, type PathFilter } from "./path-filter.ts";
export { routeBatch, type PathMapping, type ServiceWork } from "./route.ts";
export { realTimers, type Timers } from "./timers.ts";
export { planWatch, type PlannedRule, type WatchPlan } from "./watch-plan.ts";
export { startWatch, type WatchSession, type WatchSessionOptions } from "./watch-session.ts";
