import { readlink } from "node:fs/promises";
import { fileBody, type TarSourceEntry } from "../../common/tar/index.ts";
import type { Owner } from "./container-user.ts";
import { acceptedTree } from "./host-tree.ts";
import { containerPathOf, type PathMapping } from "./route.ts";

/** How many members of each kind went into a sync's archive. */
export interface SyncCount {
  files: number;
  dirs: number;
}

/**
 * The tar members that bring the host paths into the container, named by their container path
 * (relative to "/", where the archive is unpacked) and owned by `owner`: a file as itself, a
 * directory with what its rule accepts below it, a symlink as a link. Modes and mtimes are the
 * host's. Each container path goes in once. Files are read only as the consumer pulls.
 */
export async function* syncEntries(copies: readonly PathMapping[], owner: Owner, count: SyncCount = { files: 0, dirs: 0 }): AsyncGenerator<TarSourceEntry> {
  const seen = new Set<string>();
  for (const copy of copies) {
    for await (const { path, stat } of acceptedTree(copy.hostPath, copy.rule.filter)) {
      const name = containerPathOf(copy.rule, path).replace(/^\/+/, "");
      if (name === "" || seen.has(name)) continue;
      seen.add(name);
      const header = { name, mode: stat.mode & 0o7777, uid: owner.uid, gid: owner.gid, mtime: Math.floor(stat.mtimeMs / 1000) };
      if (stat.isDirectory()) {
        count.dirs++;
        yield { ...header, type: "dir" };
      } else if (stat.isFile()) {
        count.files++;
        yield { ...header, type: "file", size: stat.size, body: fileBody(path, stat.size) };
      } else if (stat.isSymbolicLink()) {
        count.files++;
        yield { ...header, type: "symlink", linkname: await readlink(path) };
      }
    }
  }
}
