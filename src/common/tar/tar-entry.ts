// The one vocabulary of tar archive members, shared by the reader (image layers, archive
// uploads, image load) and the writer (image save, archive downloads, cp). The typeflag
// bytes behind the entry types are in typeflag.ts.

/** What a member is; every other kind of record (PAX, GNU long names) is folded into a header. */
export type TarEntryType = "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo";

/** One archive member with PAX and GNU long-name records already folded in. */
export interface TarHeader {
  /** The name exactly as archived (not yet normalised or checked; see entry-path.ts). */
  readonly name: string;
  readonly type: TarEntryType;
  /** Body length in bytes (0 for everything but files). */
  readonly size: number;
  /** Permission bits incl. setuid/setgid/sticky (0o7777 mask). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly uname: string;
  readonly gname: string;
  /** Seconds since the epoch, possibly fractional (PAX). */
  readonly mtime: number;
  readonly atime?: number;
  /** Hard link: archive path of the target. Symlink: the target text, never interpreted by us. */
  readonly linkname: string;
  readonly devmajor: number;
  readonly devminor: number;
  /** From SCHILY.xattr.* PAX records; values are raw bytes. */
  readonly xattrs: ReadonlyMap<string, Buffer>;
}

/**
 * A member as the reader hands it out. Lifecycle: the body may be consumed (fully or partly)
 * only until the next entry is requested from the reader; whatever is left is skipped then.
 * Consuming it later throws.
 */
export interface TarEntry {
  readonly header: TarHeader;
  readonly body: AsyncIterable<Buffer>;
  /** Collects the body into one Buffer; meant for small files. */
  readAll(): Promise<Buffer>;
}

/**
 * A member as the writer takes it: a header whose other fields default (mode 0o644, 0o755 for a
 * dir; owner 0:0; mtime 0; no xattrs), and a file's body, which must produce exactly `size` bytes
 * (by default the length of a buffer body). `atime` is not written.
 */
export type TarSourceEntry = Pick<TarHeader, "name" | "type"> &
  Partial<Omit<TarHeader, "name" | "type">> & { readonly body?: AsyncIterable<Uint8Array> | Uint8Array };
