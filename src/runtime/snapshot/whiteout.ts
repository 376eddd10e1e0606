// OCI whiteout names, and what they become on overlayfs. Pure.
//   dir/.wh.name      → a 0/0 character device dir/name (overlay whiteout)
//   dir/.wh..wh..opq  → xattr trusted.overlay.opaque=y on dir
// Other ".wh..wh." names are AUFS bookkeeping (.wh..wh.plnk, .wh..wh.aufs) and are skipped,
// as Docker does.
import { invalidArgument } from "../../common/errors.ts";

export const WHITEOUT_PREFIX = ".wh.";
export const OPAQUE_MARKER = ".wh..wh..opq";
const AUFS_META_PREFIX = ".wh..wh.";
export const OVERLAY_OPAQUE_XATTR = "trusted.overlay.opaque";
const OVERLAY_XATTR_PREFIX = "trusted.overlay.";

/**
 * Overlay's own metadata (opaque, redirect, metacopy, origin, impure, …): never taken from a tar
 * (it could make the kernel look up paths the image author chose) and never written into one.
 */
export const isOverlayXattr = (name: string): boolean => name.startsWith(OVERLAY_XATTR_PREFIX);

export type WhiteoutKind =
  | { readonly kind: "none" }
  | { readonly kind: "opaque"; readonly dir: readonly string[] }
  | { readonly kind: "whiteout"; readonly dir: readonly string[]; readonly name: string }
  | { readonly kind: "aufs-meta" };

/** Classifies normalised components (see common/tar/entry-path.ts) of an archive member. */
export function classifyWhiteout(components: readonly string[], rawName: string): WhiteoutKind {
  const base = components[components.length - 1];
  if (base === undefined || !base.startsWith(WHITEOUT_PREFIX)) return { kind: "none" };
  const dir = components.slice(0, -1);
  if (base === OPAQUE_MARKER) return { kind: "opaque", dir };
  if (base.startsWith(AUFS_META_PREFIX)) return { kind: "aufs-meta" };
  const name = base.slice(WHITEOUT_PREFIX.length);
  // ".wh..." would whiteout "..", i.e. reach outside the directory.
  if (name === "" || name === "." || name === "..") {
    throw invalidArgument(`tar entry ${JSON.stringify(rawName)} is a whiteout of ${JSON.stringify(name)}: refusing`);
  }
  return { kind: "whiteout", dir, name };
}
