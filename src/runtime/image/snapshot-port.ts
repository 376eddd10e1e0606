import type { Readable } from "node:stream";

/**
 * What the image service needs from the snapshotter: one directory per layer, keyed by chain
 * ID, unpacked once from the stored blob and checked against the layer's diffID.
 */
export interface SnapshotPort {
  has(chainId: string): Promise<boolean>;
  /** Unpacks the layer at `index` of `diffIds` unless its snapshot exists; concurrent calls share one unpack. */
  ensureLayer(diffIds: readonly string[], index: number, open: () => Readable, onProgress?: (bytes: number) => void): Promise<void>;
  remove(chainId: string): Promise<void>;
  list(): Promise<readonly string[]>;
}
