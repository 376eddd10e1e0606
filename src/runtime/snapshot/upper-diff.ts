// An upper dir as an uncompressed OCI layer tar: walk it, read every node's xattrs (one getfattr
// per few hundred nodes), turn overlay form back into OCI form (layer-members.ts), stream.
//
// The upper dir alone holds the layer only while overlayfs keeps whole files and real directories
// in it: with redirect_dir or metacopy on (both off by default), a renamed directory or a chowned
// file points down into the lower layers instead. Such a node fails the diff (FailedPrecondition)
// rather than giving a layer that lies.
import { readlink } from "node:fs/promises";
import { join } from "node:path";
import { failedPrecondition } from "../../common/errors.ts";
import { fileBody, writeTar, type TarSourceEntry } from "../../common/tar/index.ts";
import { layerMembers, type LayerNode, type NodeXattrs } from "./layer-members.ts";
import { isWhiteout, walkUpperDir } from "./upper-dir.ts";
import type { XattrReader } from "./xattr-read.ts";

export interface DiffUpperDirOptions {
  readonly xattrs: XattrReader;
  readonly signal?: AbortSignal;
}

const INDIRECT_XATTRS = ["trusted.overlay.redirect", "trusted.overlay.metacopy"];

/**
 * The tar bytes, pulled: nothing is read ahead of the consumer. The upper dir must not change
 * meanwhile (unmounted, or its container stopped); a file that does is cut or padded to the size
 * it had when walked.
 */
export async function* diffUpperDir(upperDir: string, options: DiffUpperDirOptions): AsyncGenerator<Buffer> {
  const { signal } = options;
  const nodes = await walkUpperDir(upperDir);
  const host = (path: string) => join(upperDir, path);
  const read = await options.xattrs(nodes.filter((n) => !isWhiteout(n.st)).map((n) => host(n.path)), "-");
  const xattrs = new Map<string, ReadonlyMap<string, Buffer>>();
  for (const n of nodes) {
    const attrs = read.get(host(n.path));
    if (attrs === undefined) continue;
    const indirect = INDIRECT_XATTRS.find((x) => attrs.has(x));
    if (indirect !== undefined) {
      throw failedPrecondition(`${n.path} in ${upperDir} carries ${indirect}: overlayfs redirect_dir/metacopy is on, so the upper dir alone is not the layer`);
    }
    xattrs.set(n.path, attrs);
  }
  yield* writeTar(entries(upperDir, nodes, xattrs, signal));
}

async function* entries(
  upperDir: string,
  nodes: readonly LayerNode[],
  xattrs: NodeXattrs,
  signal: AbortSignal | undefined,
): AsyncGenerator<TarSourceEntry> {
  for (const m of layerMembers(nodes, xattrs)) {
    signal?.throwIfAborted();
    const host = join(upperDir, m.path);
    switch (m.read) {
      case undefined:
        yield m.entry;
        break;
      case "content":
        yield { ...m.entry, body: fileBody(host, m.entry.size ?? 0) };
        break;
      case "link-target":
        yield { ...m.entry, linkname: await readlink(host) };
        break;
      default: {
        const never: never = m.read;
        throw new Error(`unexpected read ${String(never)}`);
      }
    }
  }
}
