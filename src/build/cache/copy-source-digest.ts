import { createHash } from "node:crypto";
import { TstackError } from "../../common/errors.ts";
import { compareStrings } from "../../common/compare-strings.ts";
import type { TarEntryType } from "../../common/tar/tar-entry.ts";

// The content digest of what a COPY/ADD (or a RUN bind mount) reads, for its cache key. The
// caller walks the source (after .dockerignore and the globs) and hashes each file; this function
// only combines. Contract (pinned by golden tests; changing it invalidates every build cache):
// - per entry: its path relative to the source root, type, permission bits (mode & 0o7777), uid,
//   gid, and for a file its size and content sha256, for a symlink its target text;
// - directories count (an empty directory is copied too); mtime, atime and names of owners do not
//   (a `touch` must not rebuild);
// - entries are sorted by path, so the walk order does not matter; a path may appear once.

export type CopySourceEntry =
  | (EntryCommon & { readonly type: Extract<TarEntryType, "file">; readonly size: number; readonly contentDigest: string })
  | (EntryCommon & { readonly type: Extract<TarEntryType, "dir"> })
  | (EntryCommon & { readonly type: Extract<TarEntryType, "symlink">; readonly linkTarget: string });

interface EntryCommon {
  /** Relative to the source root, "/"-separated, no "." or ".." segments; "." is the root itself. */
  readonly path: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

const VERSION = "tstack-copy-source/1";
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** "sha256:<hex>" over the entries' canonical lines. */
export function copySourceDigest(entries: readonly CopySourceEntry[]): string {
  const sorted = [...entries].sort((a, b) => compareStrings(a.path, b.path));
  const hash = createHash("sha256").update(`${VERSION}\n`);
  let previous: string | undefined;
  for (const e of sorted) {
    if (e.path === previous) throw internal(`copy source entry "${e.path}" appears twice`);
    previous = e.path;
    checkPath(e.path);
    const common = [e.path, e.type, e.mode & 0o7777, e.uid, e.gid];
    let line: unknown[];
    switch (e.type) {
      case "file":
        if (!DIGEST.test(e.contentDigest)) throw internal(`copy source entry "${e.path}": contentDigest must be sha256:<hex>`);
        line = [...common, e.size, e.contentDigest];
        break;
      case "dir":
        line = common;
        break;
      case "symlink":
        line = [...common, e.linkTarget];
        break;
    }
    hash.update(`${JSON.stringify(line)}\n`);
  }
  return `sha256:${hash.digest("hex")}`;
}

function checkPath(path: string): void {
  if (path === ".") return;
  if (path === "" || path.startsWith("/") || path.endsWith("/") || path.split("/").some((s) => s === "" || s === "." || s === ".."))
    throw internal(`copy source entry path "${path}" is not a clean relative path`);
}

function internal(message: string): TstackError {
  return new TstackError("Internal", message);
}
