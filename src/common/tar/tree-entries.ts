// A directory tree (or one file) as tar entries, its root renamed to `name`: a container's files
// for the archive API's GET (named after the requested path, as `docker cp` expects), a host's
// for cp. Symlinks are archived as links, never followed; files are opened with O_NOFOLLOW.
import { constants, type Stats } from "node:fs";
import { lstat, open, readdir, readlink, type FileHandle } from "node:fs/promises";
import { posix } from "node:path";
import type { TarSourceEntry } from "./tar-entry.ts";

function header(name: string, st: Stats) {
  return { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000) };
}

export async function* treeEntries(hostPath: string, name: string): AsyncGenerator<TarSourceEntry> {
  const st = await lstat(hostPath);
  if (st.isSymbolicLink()) {
    yield { ...header(name, st), type: "symlink", linkname: await readlink(hostPath) };
  } else if (st.isDirectory()) {
    yield { ...header(name, st), type: "dir" };
    for (const child of (await readdir(hostPath)).sort()) yield* treeEntries(posix.join(hostPath, child), `${name}/${child}`);
  } else if (st.isFile()) {
    yield { ...header(name, st), type: "file", size: st.size, body: fileBody(hostPath, st.size) };
  } else if (st.isFIFO()) {
    yield { ...header(name, st), type: "fifo" };
  }
  // sockets and device nodes are left out, as they cannot be copied meaningfully
}

/**
 * The body of a file member: exactly `size` bytes of the file at `hostPath` (opened when the
 * writer asks for them, never through a symlink). The size in the header is a promise: a file
 * that grows meanwhile is cut, one that shrinks is padded.
 */
export async function* fileBody(hostPath: string, size: number): AsyncGenerator<Uint8Array> {
  const fh = await open(hostPath, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    yield* readExactly(fh, size);
  } finally {
    await fh.close();
  }
}

async function* readExactly(fh: FileHandle, size: number): AsyncGenerator<Uint8Array> {
  let left = size;
  while (left > 0) {
    const buf = Buffer.alloc(Math.min(left, 64 * 1024));
    const { bytesRead } = await fh.read(buf, 0, buf.length, size - left);
    if (bytesRead === 0) {
      yield Buffer.alloc(left);
      return;
    }
    left -= bytesRead;
    yield buf.subarray(0, bytesRead);
  }
}
