// Layer unpacking and the snapshot store (see ARCHITECTURE.md, "Snapshots").
export { applyLayer } from "./apply-layer.ts";
export type { AppliedLayer, ApplyLayerOptions, ApplyProgress } from "./apply-layer.ts";
export { decompress, detectCompression } from "./decompress.ts";
export type { Compression } from "./decompress.ts";
export { chainIds } from "./chain-id.ts";
export { createSnapshotter } from "./snapshotter.ts";
export type {
  LayerSource,
  PrepareOptions,
  SnapshotInfo,
  Snapshotter,
  SnapshotterOptions,
  SnapshotUsage,
} from "./snapshotter.ts";
export { overlayMount, MOUNT_OPTIONS_LIMIT } from "./overlay-mount.ts";
export type { MountDescription, OverlayMountInput } from "./overlay-mount.ts";
export { execaRunner } from "./process-runner.ts";
export type { PipedProcess, ProcessRunner, RunOptions } from "./process-runner.ts";
export { OVERLAY_OPAQUE_XATTR, WHITEOUT_PREFIX, OPAQUE_MARKER } from "./whiteout.ts";
