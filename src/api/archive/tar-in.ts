import { constants } from "node:fs";
import { chmod, lchown, lstat, mkdir, open, rm, symlink, link, utimes, lutimes } from "node:fs/promises";
import { posix } from "node:path";
import { createGunzip } from "node:zlib";
import { Readable } from "node:stream";
import { invalidArgument, unimplemented } from "../../common/errors.ts";
import { entryComponents, readTar, type ByteSource } from "../../common/tar/index.ts";
import { mkdirInRootfs, resolveInRootfs } from "../../runtime/containers/rootfs-path.ts";

// Extracts a tar (plain or gzip) into a directory of a container's rootfs: the PUT side of
// `docker cp` and of watch-mode sync. No entry may land outside the rootfs: names with ".."
// are refused; parents are resolved as the container sees them (symlinks followed inside the
// rootfs only); an existing symlink at an entry's own name is replaced, never written through.

async function* maybeGunzip(source: ByteSource): AsyncGenerator<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const rest = async function* () {
    yield first.value;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  };
  if (first.value[0] === 0x1f && first.value[1] === 0x8b) {
    yield* Readable.from(rest()).pipe(createGunzip());
  } else yield* rest();
}

export interface ExtractOptions {
  readonly rootfs: string;
  /** Container path of an existing directory. */
  readonly dir: string;
  readonly noOverwriteDirNonDir?: boolean;
}

export async function extractIntoRootfs(source: ByteSource, o: ExtractOptions): Promise<number> {
  let count = 0;
  for await (const entry of readTar(maybeGunzip(source))) {
    const h = entry.header;
    const parts = entryComponents(h.name);
    if (parts.length === 0) continue; // the archive's root: the target directory itself
    const containerPath = posix.join(o.dir, ...parts);
    const parent = await mkdirInRootfs(o.rootfs, posix.dirname(containerPath));
    const host = posix.join(parent, parts[parts.length - 1]!);
    const existing = await lstat(host).catch(() => undefined);
    if (existing) {
      if (existing.isDirectory() && h.type === "dir") {
        // merge into it
      } else if (existing.isDirectory()) {
        if (o.noOverwriteDirNonDir) throw invalidArgument(`cannot overwrite directory ${containerPath} with a non-directory`);
        await rm(host, { recursive: true, force: true });
      } else {
        if (h.type === "dir" && o.noOverwriteDirNonDir) throw invalidArgument(`cannot overwrite non-directory ${containerPath} with a directory`);
        await rm(host, { force: true });
      }
    }
    switch (h.type) {
      case "dir":
        await mkdir(host, { recursive: true });
        await chmod(host, h.mode);
        break;
      case "file": {
        const fh = await open(host, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, h.mode);
        try {
          for await (const chunk of entry.body) await fh.write(chunk);
          await fh.chmod(h.mode);
        } finally {
          await fh.close();
        }
        break;
      }
      case "symlink":
        await symlink(h.linkname, host);
        break;
      case "hardlink": {
        const targetParts = entryComponents(h.linkname, "link target");
        const target = await resolveInRootfs(o.rootfs, posix.join(o.dir, ...targetParts));
        const st = await lstat(target).catch(() => undefined);
        if (!st || st.isDirectory()) throw invalidArgument(`tar entry ${JSON.stringify(h.name)} links to ${JSON.stringify(h.linkname)}, which is not a file in the archive`);
        await link(target, host);
        break;
      }
      default:
        throw unimplemented(`tar entry ${JSON.stringify(h.name)}: ${h.type} entries cannot be copied into a container by tstack`);
    }
    await lchown(host, h.uid, h.gid);
    if (h.type === "symlink") await lutimes(host, h.mtime, h.mtime).catch(() => undefined);
    else if (h.type !== "hardlink") await utimes(host, h.mtime, h.mtime);
    count++;
  }
  return count;
}
