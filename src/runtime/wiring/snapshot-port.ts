import type { Readable } from "node:stream";
import { chainIds } from "../snapshot/chain-id.ts";
import type { Snapshotter } from "../snapshot/index.ts";
import type { SnapshotPort } from "../image/snapshot-port.ts";

// The image service's view of the snapshotter: one layer at a time, so each layer is
// unpacked as soon as its blob is downloaded, while the others are still downloading.
export function createSnapshotPort(s: Snapshotter): SnapshotPort {
  return {
    has: (chainId) => s.has(chainId),
    async ensureLayer(diffIds, index, open, onProgress) {
      const ids = chainIds(diffIds.slice(0, index + 1));
      await s.unpackLayer(
        ids[index]!,
        ids[index - 1],
        { diffId: diffIds[index]!, open: (): Readable => open() },
        onProgress ? { onProgress: (_d, p) => onProgress(p.compressedBytes) } : {},
      );
    },
    remove: (chainId) => s.remove(chainId),
    async list() {
      return (await s.list()).map((i) => i.chainId);
    },
  };
}
