import { isKind } from "../../common/errors.ts";
import { MediaType } from "../../runtime/registry/media-types.ts";
import type { BuildSession } from "./build-session.ts";
import type { BuildLayer } from "./ports.ts";

// A step that makes a layer: prepare an active snapshot over the parent chain, let `work` fill it
// (a RUN's container, COPY's files), commit it. Whatever fails or is aborted between prepare and
// commit, the active snapshot is removed before this settles: a failed build leaves nothing.

/** Layers are committed as gzip tars (the snapshotter's commit). */
export const LAYER_MEDIA_TYPE = MediaType.OciLayerGzip;

export interface MadeLayer {
  readonly chainId: string;
  readonly layer: BuildLayer;
}

export async function inSnapshot(
  session: BuildSession,
  name: string,
  parent: string | undefined,
  work: (key: string) => Promise<void>,
): Promise<MadeLayer> {
  const { ports, signal } = session;
  const key = `build.${session.id}.${name}`;
  signal.throwIfAborted();
  await ports.snapshots.prepare(key, parent, signal);
  let committed = false;
  try {
    signal.throwIfAborted();
    await work(key);
    signal.throwIfAborted();
    const made = await ports.snapshots.commit(key, signal);
    committed = true;
    return { chainId: made.chainId, layer: { diffId: made.diffId, blob: { ...made.blob, mediaType: LAYER_MEDIA_TYPE } } };
  } finally {
    if (!committed)
      await ports.snapshots.remove(key).catch((err: unknown) => {
        if (!isKind(err, "NotFound")) session.emit({ type: "warning", message: `could not remove snapshot ${key}: ${(err as Error).message}` });
      });
  }
}
