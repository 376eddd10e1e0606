import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { chmod, lchown, lstat, mkdir, open, rm, symlink, writeFile } from "node:fs/promises";
import { posix } from "node:path";
import type { FileContent, TreeRef, WriteEntry } from "../../build/executor/ports.ts";
import { failedPrecondition, unimplemented } from "../../common/errors.ts";
import { resolveInRootfs } from "../containers/rootfs-path.ts";

// COPY/ADD/WORKDIR's entries applied to a mounted rootfs (BuildSnapshots.writeFiles): each
// entry's parents resolved inside the rootfs (a symlink among them followed, never out of it), a
// file or symlink replacing what was at its path, a directory never replaced by a file. A tree
// file is copied while hashed and must still have the digest its walk reported: the step's cache
// key was taken from that content.

/** The host directory a source tree is visible at while the entries are written. */
export type SourceRoots = (tree: TreeRef) => string;

export async function writeEntries(root: string, entries: readonly WriteEntry[], sources: SourceRoots, signal: AbortSignal): Promise<void> {
  for (const e of entries) {
    signal.throwIfAborted();
    const parent = await resolveInRootfs(root, posix.dirname(e.path));
    const pst = await lstat(parent).catch(() => undefined);
    if (!pst?.isDirectory()) throw failedPrecondition(`cannot write ${e.path}: ${posix.dirname(e.path)} is not a directory`);
    const host = posix.join(parent, posix.basename(e.path));
    const existing = await lstat(host).catch(() => undefined);
    switch (e.type) {
      case "dir":
        if (existing?.isDirectory() && e.existing === "keep") break;
        if (!existing?.isDirectory()) {
          if (existing !== undefined) await rm(host, { force: true });
          await mkdir(host);
        }
        await ownAndMode(host, e);
        break;
      case "file":
        if (existing?.isDirectory()) throw failedPrecondition(`cannot write file ${e.path}: a directory is there`);
        if (existing !== undefined) await rm(host, { force: true });
        await writeContent(host, e.content, sources, e.unpackTo !== undefined);
        await ownAndMode(host, e);
        break;
      case "symlink":
        if (existing?.isDirectory()) throw failedPrecondition(`cannot write symlink ${e.path}: a directory is there`);
        if (existing !== undefined) await rm(host, { force: true });
        await symlink(e.target, host);
        await lchown(host, e.uid, e.gid);
        break;
    }
  }
}

// The owner first: chown clears setuid and setgid bits, which the mode may set.
async function ownAndMode(host: string, e: { readonly uid: number; readonly gid: number; readonly mode: number }): Promise<void> {
  await lchown(host, e.uid, e.gid);
  await chmod(host, e.mode);
}

async function writeContent(host: string, content: FileContent, sources: SourceRoots, mayUnpack: boolean): Promise<void> {
  if (content.kind === "inline") {
    await writeFile(host, content.data, { mode: 0o600, flag: "wx" });
    return;
  }
  const root = sources(content.tree);
  const from = posix.join(await resolveInRootfs(root, posix.dirname(`/${content.path}`)), posix.basename(content.path));
  const src = await open(from, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const dst = await open(host, "wx", 0o600);
    try {
      const hash = createHash("sha256");
      const buf = Buffer.allocUnsafe(256 * 1024);
      let size = 0;
      for (let first = true; ; first = false) {
        const { bytesRead } = await src.read(buf, 0, buf.length, null);
        if (bytesRead === 0) break;
        const chunk = buf.subarray(0, bytesRead);
        if (first && mayUnpack && isArchive(chunk))
          throw unimplemented(`ADD of a local archive (${content.path}) is not supported yet: unpacking it is to come`);
        hash.update(chunk);
        size += bytesRead;
        await dst.write(chunk);
      }
      const digest = `sha256:${hash.digest("hex")}`;
      if (digest !== content.digest || size !== content.size)
        throw failedPrecondition(`${content.path} changed while the build read it (its content is not what the step's cache key was taken from)`);
    } finally {
      await dst.close();
    }
  } finally {
    await src.close();
  }
}

// gzip, bzip2, xz, or a tar header's "ustar" magic (at offset 257).
function isArchive(head: Buffer): boolean {
  if (head[0] === 0x1f && head[1] === 0x8b) return true;
  if (head.subarray(0, 3).toString("latin1") === "BZh") return true;
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return true;
  return head.length >= 262 && head.subarray(257, 262).toString("latin1") === "ustar";
}
