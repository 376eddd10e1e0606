// Layer unpacking and the snapshot store (see ARCHITECTURE.md, "Snapshots").
export { applyLayer } from "./apply-layer.ts";
export type { AppliedLayer, ApplyLayerOptions, ApplyProgress } from "./apply-layer.ts";
export { decompress, detectCompression } from "./decompress.ts";
export type { Compression } from "./decompress.ts";
export { chainIds, childChainId } from "./chain-id.ts";
export { createSnapshotter } from "./snapshotter.ts";
export type {
  LayerSource,
  SnapshotInfo,
  Snapshotter,
  SnapshotterOptions,
  SnapshotUsage,
  UnpackOptions,
} from "./snapshotter.ts";
export type {
  ActivePrepareOptions,
  ActiveSnapshots,
  ActiveSnapshotInfo,
  ChangesOptions,
  CommitOptions,
  CommittedLayer,
} from "./active-snapshots.ts";
export type { BlobSink, LayerBlob } from "./layer-blob.ts";
export type { ChangeKind, FsChange } from "./upper-changes.ts";
export { overlayMount, MOUNT_OPTIONS_LIMIT } from "./overlay-mount.ts";
export type { MountDescription, OverlayMountInput } from "./overlay-mount.ts";
export { OVERLAY_OPAQUE_XATTR, WHITEOUT_PREFIX, OPAQUE_MARKER } from "./whiteout.ts";
