// An upper dir (overlay form) as the members of an OCI layer tar. Pure: the walk and the
// attributes come in, tar entries go out; reading file contents and link targets is the
// writer's step (upper-diff.ts).
//
//   0/0 character device (whiteout)   → an empty file ".wh.<name>" in its directory (mode 0600)
//   dir with trusted.overlay.opaque=y → the dir, then an empty file "<dir>/.wh..wh..opq" with the
//                                       dir's permissions and owner
//   a node whose inode was met before → a hard link to the first name met (walk order)
//   socket                            → nothing (a tar cannot hold one)
// Owners, modes, whole-second mtimes and xattrs are kept, overlay's own xattrs are not; names
// and owner names are never looked up. The order is the walk's (parents first, siblings by
// name), so the same tree gives the same members, hence the same bytes.
import { constants, type Stats } from "node:fs";
import type { TarSourceEntry } from "../../common/tar/index.ts";
import { isOpaqueMark } from "./opaque-probe.ts";
import { isWhiteout } from "./upper-dir.ts";
import { isOverlayXattr, OPAQUE_MARKER, OVERLAY_OPAQUE_XATTR, WHITEOUT_PREFIX } from "./whiteout.ts";

/** What a member needs of a node's lstat (a Stats will do). */
export type NodeStat = Pick<Stats, "mode" | "uid" | "gid" | "size" | "nlink" | "dev" | "ino" | "rdev" | "mtimeMs">;

export interface LayerNode {
  /** Absolute inside the container ("/etc/passwd"). */
  readonly path: string;
  readonly st: NodeStat;
}

export interface LayerMember {
  /** The complete entry, but for a file's body or a symlink's target (see `read`). */
  readonly entry: Omit<TarSourceEntry, "body">;
  /** What the writer reads from the node at `path` to finish the entry. */
  readonly read?: "content" | "link-target";
  /** The node the member stands for. */
  readonly path: string;
}

/** Extended attributes by container path, as read from the upper dir (overlay's included). */
export type NodeXattrs = ReadonlyMap<string, ReadonlyMap<string, Buffer>>;

export function layerMembers(nodes: readonly LayerNode[], xattrs: NodeXattrs): LayerMember[] {
  const out: LayerMember[] = [];
  const firstName = new Map<string, string>();
  for (const { path, st } of nodes) {
    const name = path.slice(1);
    const owner = { uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000) };
    if (isWhiteout(st)) {
      const slash = name.lastIndexOf("/");
      const whiteout = `${name.slice(0, slash + 1)}${WHITEOUT_PREFIX}${name.slice(slash + 1)}`;
      out.push({ path, entry: { name: whiteout, type: "file", size: 0, mode: 0o600, ...owner } });
      continue;
    }
    const attrs = xattrs.get(path);
    const kept = keptXattrs(attrs);
    const common = { ...owner, mode: st.mode & 0o7777, ...(kept ? { xattrs: kept } : {}) };
    const type = st.mode & constants.S_IFMT;
    if (type === constants.S_IFDIR) {
      out.push({ path, entry: { name, type: "dir", ...common } });
      if (isOpaqueMark(attrs?.get(OVERLAY_OPAQUE_XATTR))) {
        out.push({ path, entry: { name: `${name}/${OPAQUE_MARKER}`, type: "file", size: 0, mode: st.mode & 0o777, ...owner } });
      }
      continue;
    }
    if (type === constants.S_IFSOCK) continue;
    const inode = `${st.dev}:${st.ino}`;
    const linked = st.nlink > 1 ? firstName.get(inode) : undefined;
    if (linked !== undefined) {
      out.push({ path, entry: { name, type: "hardlink", linkname: linked, ...common } });
      continue;
    }
    if (st.nlink > 1) firstName.set(inode, name);
    switch (type) {
      case constants.S_IFREG:
        out.push({ path, entry: { name, type: "file", size: st.size, ...common }, read: "content" });
        break;
      case constants.S_IFLNK:
        out.push({ path, entry: { name, type: "symlink", ...common }, read: "link-target" });
        break;
      case constants.S_IFCHR:
      case constants.S_IFBLK:
        out.push({ path, entry: { name, type: type === constants.S_IFCHR ? "char" : "block", ...deviceNumbers(st.rdev), ...common } });
        break;
      case constants.S_IFIFO:
        out.push({ path, entry: { name, type: "fifo", ...common } });
        break;
      default:
        throw new Error(`${path}: unexpected file type ${type.toString(8)}`);
    }
  }
  return out;
}

function keptXattrs(attrs: ReadonlyMap<string, Buffer> | undefined): ReadonlyMap<string, Buffer> | undefined {
  if (attrs === undefined) return undefined;
  const kept = new Map([...attrs].filter(([k]) => !isOverlayXattr(k)));
  return kept.size > 0 ? kept : undefined;
}

/** Major and minor of a Linux dev_t (glibc's encoding: 12+20 bits major, 8+24 bits minor). */
export function deviceNumbers(rdev: number): { devmajor: number; devminor: number } {
  const lo = rdev >>> 0;
  const hi = Math.floor(rdev / 2 ** 32) >>> 0;
  return {
    devmajor: (((lo >>> 8) & 0xfff) | (hi & 0xfffff000)) >>> 0,
    devminor: (lo & 0xff) + (((lo >>> 20) | ((hi & 0xfff) << 12)) & 0xffffff) * 0x100,
  };
}
