import { lstat, mkdir, readFile, readlink } from "node:fs/promises";
import { posix } from "node:path";
import { invalidArgument } from "../../common/errors.ts";

// Paths inside a container's root filesystem, resolved as the container would see them:
// symlinks are followed relative to the rootfs, never to the host, so an image cannot make
// the engine read or create files outside its rootfs (a `/etc -> /host/etc` symlink stays inside).

const MAX_LINKS = 255;

/** Resolves `path` (container-absolute) to a host path inside `rootfs`, following symlinks within it. */
export async function resolveInRootfs(rootfs: string, path: string): Promise<string> {
  const pending = posix.normalize(`/${path}`).split("/").filter(Boolean);
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === ".") continue;
    if (part === "..") {
      resolved.pop(); // `..` at the root stays at the root, as in the kernel
      continue;
    }
    const host = posix.join(rootfs, ...resolved, part);
    const st = await lstat(host).catch(() => undefined);
    if (st?.isSymbolicLink()) {
      if (++links > MAX_LINKS) throw invalidArgument(`too many levels of symbolic links in ${path}`);
      const target = await readlink(host);
      if (target.startsWith("/")) resolved.length = 0;
      pending.unshift(...target.split("/").filter(Boolean));
      continue;
    }
    resolved.push(part);
  }
  return posix.join(rootfs, ...resolved);
}

export async function readRootfsFile(rootfs: string, path: string): Promise<string | undefined> {
  const host = await resolveInRootfs(rootfs, path);
  return readFile(host, "utf8").catch(() => undefined);
}

/** mkdir -p inside the rootfs; each component is resolved safely before it is created. */
export async function mkdirInRootfs(rootfs: string, path: string, mode = 0o755): Promise<string> {
  const parts = posix.normalize(`/${path}`).split("/").filter(Boolean);
  let current = "/";
  for (const p of parts) {
    current = posix.join(current, p);
    const host = await resolveInRootfs(rootfs, current);
    const st = await lstat(host).catch(() => undefined);
    // The resolved path's existing parts are real directories inside the rootfs; what is
    // missing below them (possibly several levels, from a symlink's target) is created here.
    if (!st) await mkdir(host, { mode, recursive: true });
    else if (!st.isDirectory()) throw invalidArgument(`cannot create directory ${path} in the container: ${current} is not a directory`);
  }
  return resolveInRootfs(rootfs, path);
}
