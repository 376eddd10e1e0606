// The in-memory picture of a layer directory while it is being unpacked, and the planner that
// turns each tar entry into file-system actions. Pure: the executor (apply-layer.ts) performs them.
//
// Why a model instead of lstat-ing the disk: a layer is always unpacked into a fresh, private
// directory, so everything in it was put there by us and is known here. Checking parents against
// the model is exact (no TOCTOU window with an attacker, who cannot write there) and costs no
// syscalls. Every parent component must be a directory *we created*; a symlink anywhere on the
// way is refused, so a symlink planted earlier in the same archive can never be followed.
import { invalidArgument } from "../../common/errors.ts";
import { entryComponents, joinComponents, type TarEntryType, type TarHeader } from "../../common/tar/index.ts";
import { classifyWhiteout, isOverlayXattr, OVERLAY_OPAQUE_XATTR } from "./whiteout.ts";

/** What a path holds: an entry's type (a hard link is what it links to) or a whiteout. */
export type NodeType = Exclude<TarEntryType, "hardlink"> | "whiteout";

interface Node {
  type: NodeType;
  children?: Map<string, Node>;
  /** Lower layers' content of this dir is hidden (trusted.overlay.opaque=y). */
  opaque: boolean;
  xattrs?: Map<string, Buffer>;
  /** Set for directories that came from the archive; their times are applied last. */
  times?: { readonly atime: number; readonly mtime: number };
}

/** One file-system step; `path` is relative to the layer root ("" is the root). */
export type Action =
  | { readonly op: "mkdir-implicit"; readonly path: string }
  | { readonly op: "remove"; readonly path: string; readonly dir: boolean }
  | { readonly op: "dir"; readonly path: string; readonly exists: boolean; readonly header: TarHeader }
  | { readonly op: "file"; readonly path: string; readonly header: TarHeader }
  | { readonly op: "symlink"; readonly path: string; readonly header: TarHeader }
  | { readonly op: "hardlink"; readonly path: string; readonly target: string; readonly header: TarHeader }
  | { readonly op: "device"; readonly path: string; readonly header: TarHeader }
  | { readonly op: "fifo"; readonly path: string; readonly header: TarHeader }
  | { readonly op: "whiteout"; readonly path: string };

export interface XattrSet {
  readonly path: string;
  readonly xattrs: ReadonlyMap<string, Buffer>;
}

export interface DirTimes {
  readonly path: string;
  readonly atime: number;
  readonly mtime: number;
}

const newDir = (): Node => ({ type: "dir", children: new Map(), opaque: false });

// Overlay metadata is ours to write: a layer carrying trusted.overlay.* (redirect, metacopy,
// origin, opaque) could make the kernel look up paths the image author chose.
function acceptedXattrs(header: TarHeader): Map<string, Buffer> | undefined {
  if (header.xattrs.size === 0) return undefined;
  const out = new Map<string, Buffer>();
  for (const [k, v] of header.xattrs) if (!isOverlayXattr(k)) out.set(k, v);
  return out.size === 0 ? undefined : out;
}

export class LayerTree {
  readonly #root: Node = newDir();

  /**
   * Plans one entry and updates the model. Throws InvalidArgument (naming the entry) for
   * anything that could write outside the layer or is not representable.
   */
  plan(header: TarHeader): Action[] {
    const actions: Action[] = [];
    const comps = entryComponents(header.name);
    const wh = classifyWhiteout(comps, header.name);
    switch (wh.kind) {
      case "aufs-meta":
        return actions;
      case "opaque": {
        const dir = this.#ensureDir(wh.dir, header.name, actions);
        dir.opaque = true;
        return actions;
      }
      case "whiteout": {
        const dir = this.#ensureDir(wh.dir, header.name, actions);
        const existing = dir.children?.get(wh.name);
        // OCI: a whiteout hides lower layers only. What this layer itself put there stays; a dir
        // of this layer must still hide the lower dir's content, hence opaque.
        if (existing !== undefined) {
          if (existing.type === "dir") existing.opaque = true;
          return actions;
        }
        dir.children?.set(wh.name, { type: "whiteout", opaque: false });
        actions.push({ op: "whiteout", path: joinComponents([...wh.dir, wh.name]) });
        return actions;
      }
      case "none":
        break;
      default: {
        const never: never = wh;
        throw new Error(`unexpected whiteout kind ${JSON.stringify(never)}`);
      }
    }

    if (comps.length === 0) {
      if (header.type !== "dir") throw invalidArgument(`tar entry ${JSON.stringify(header.name)} names the root but is not a directory`);
      this.#updateDir(this.#root, header);
      actions.push({ op: "dir", path: "", exists: true, header });
      return actions;
    }

    const path = joinComponents(comps);
    const name = comps[comps.length - 1] as string;
    const parent = this.#ensureDir(comps.slice(0, -1), header.name, actions);
    const children = parent.children as Map<string, Node>;

    // Resolve a hard link before touching the destination (it may be the same name).
    let linkTarget: { path: string; node: Node } | undefined;
    if (header.type === "hardlink") {
      const tcomps = entryComponents(header.linkname, "hard link target");
      const tpath = joinComponents(tcomps);
      if (tpath === path) return actions; // a link to itself changes nothing
      linkTarget = { path: tpath, node: this.#lookupLinkTarget(tcomps, header) };
    }

    const existing = children.get(name);
    let hidesLower = false;
    if (existing !== undefined) {
      if (existing.type === "dir" && header.type === "dir") {
        this.#updateDir(existing, header);
        actions.push({ op: "dir", path, exists: true, header });
        return actions;
      }
      hidesLower = existing.type === "whiteout";
      actions.push({ op: "remove", path, dir: existing.type === "dir" });
      children.delete(name);
    }

    const xattrs = acceptedXattrs(header);
    switch (header.type) {
      case "dir": {
        const node = newDir();
        node.opaque = hidesLower;
        this.#updateDir(node, header);
        children.set(name, node);
        actions.push({ op: "dir", path, exists: false, header });
        break;
      }
      case "file":
      case "symlink":
      case "char":
      case "block":
      case "fifo": {
        children.set(name, { type: header.type, opaque: false, ...(xattrs ? { xattrs } : {}) });
        const op = header.type === "char" || header.type === "block" ? "device" : header.type;
        actions.push({ op, path, header });
        break;
      }
      case "hardlink": {
        const t = linkTarget as { path: string; node: Node };
        children.set(name, { type: t.node.type, opaque: false, ...(xattrs ? { xattrs } : {}) });
        actions.push({ op: "hardlink", path, target: t.path, header });
        break;
      }
      default: {
        const never: never = header.type;
        throw new Error(`unexpected entry type ${String(never)}`);
      }
    }
    return actions;
  }

  /** Extended attributes to set once every entry exists and owners are final (chown drops capabilities). */
  xattrs(): XattrSet[] {
    const out: XattrSet[] = [];
    const walk = (node: Node, path: string) => {
      if (node.xattrs !== undefined || node.opaque) {
        const x = new Map(node.xattrs ?? []);
        if (node.opaque) x.set(OVERLAY_OPAQUE_XATTR, Buffer.from("y"));
        out.push({ path, xattrs: x });
      }
      if (node.children) for (const [n, c] of node.children) walk(c, path === "" ? n : `${path}/${n}`);
    };
    walk(this.#root, "");
    return out;
  }

  /** Times of directories from the archive; applied after all content, which would bump them. */
  dirTimes(): DirTimes[] {
    const out: DirTimes[] = [];
    const walk = (node: Node, path: string) => {
      if (node.type !== "dir") return;
      if (node.times) out.push({ path, ...node.times });
      for (const [n, c] of node.children ?? []) walk(c, path === "" ? n : `${path}/${n}`);
    };
    walk(this.#root, "");
    return out;
  }

  #updateDir(node: Node, header: TarHeader): void {
    node.times = { atime: header.atime ?? header.mtime, mtime: header.mtime };
    const x = acceptedXattrs(header);
    if (x) node.xattrs = new Map([...(node.xattrs ?? []), ...x]);
  }

  // Walks (and creates, like `mkdir -p`) the parent directories of an entry.
  #ensureDir(comps: readonly string[], entry: string, actions: Action[]): Node {
    let node = this.#root;
    for (let i = 0; i < comps.length; i++) {
      const c = comps[i] as string;
      const children = node.children as Map<string, Node>;
      let child = children.get(c);
      const here = () => joinComponents(comps.slice(0, i + 1));
      if (child === undefined || child.type === "whiteout") {
        if (child !== undefined) actions.push({ op: "remove", path: here(), dir: false });
        // A dir re-created over this layer's own whiteout must keep hiding the lower content.
        const opaque = child !== undefined;
        child = newDir();
        child.opaque = opaque;
        children.set(c, child);
        actions.push({ op: "mkdir-implicit", path: here() });
      } else if (child.type === "symlink") {
        throw invalidArgument(
          `tar entry ${JSON.stringify(entry)}: parent ${JSON.stringify(here())} is a symlink; refusing to write through it`,
        );
      } else if (child.type !== "dir") {
        throw invalidArgument(`tar entry ${JSON.stringify(entry)}: parent ${JSON.stringify(here())} is not a directory`);
      }
      node = child;
    }
    return node;
  }

  #lookupLinkTarget(comps: readonly string[], header: TarHeader): Node {
    const fail = (why: string) =>
      invalidArgument(`tar hard link ${JSON.stringify(header.name)} -> ${JSON.stringify(header.linkname)}: ${why}`);
    if (comps.length === 0) throw fail("target is the root directory");
    let node = this.#root;
    for (let i = 0; i < comps.length; i++) {
      const child = node.children?.get(comps[i] as string);
      if (child === undefined) throw fail("target is not an earlier entry of this layer");
      if (i < comps.length - 1) {
        if (child.type === "symlink") throw fail("target path goes through a symlink");
        if (child.type !== "dir") throw fail("target path goes through a non-directory");
      }
      node = child;
    }
    if (node.type === "dir") throw fail("target is a directory");
    if (node.type === "whiteout") throw fail("target is a whiteout");
    return node;
  }
}
