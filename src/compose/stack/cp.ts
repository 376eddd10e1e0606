import { spawn } from "node:child_process";
import { lstat, mkdtemp, rename, rm } from "node:fs/promises";
import { posix } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { invalidArgument, isKind, notFound } from "../../common/errors.ts";
import { treeEntries, writeTar, type TarSourceEntry } from "../../common/tar/index.ts";
import type { EngineClient } from "../engine-client/index.ts";
import { projectContainers } from "../observe/index.ts";
import type { StackContext } from "./stack-context.ts";

export type PathKind = "dir" | "file" | "missing";

/** Where a copy lands: the directory the archive is unpacked into, and the name its root takes there. */
export interface CopyTarget {
  readonly dir: string;
  readonly name: string;
}

/**
 * docker cp's rules for the destination, from what is there: an existing directory receives
 * the source under its own name; anything else is the new name of the source, in its parent
 * directory (which must exist). A trailing slash demands a directory. Pure.
 */
export function copyTarget(src: { readonly name: string; readonly isDir: boolean }, dst: string, kind: PathKind): CopyTarget {
  if (kind === "dir") return { dir: dst, name: src.name };
  if (dst.endsWith("/")) throw kind === "missing" ? notFound(`destination directory ${dst} does not exist`) : invalidArgument(`destination ${dst} is not a directory`);
  if (kind === "file" && src.isDir) throw invalidArgument(`cannot copy a directory onto the file ${dst}`);
  return { dir: posix.dirname(dst), name: posix.basename(dst) };
}

/** The name an archive of `path` has at its root (what `GET /archive` uses): its last component. */
export function rootName(path: string): string {
  return posix.basename(path.replace(/\/+$/, "")) || "/";
}

/** One end of a copy: a path in a service's container, or an absolute host path (a trailing slash kept: "must be a directory"). */
export type CopyEnd = { readonly service: string; readonly path: string } | { readonly host: string };

export interface CopyOptions {
  /** The replica of the service. */
  readonly index: number;
  /** Keep the owners of copied host files (else root owns them, as with docker cp). */
  readonly keepOwners: boolean;
}

/** `cp`: copies between a service's container and the host, following docker cp's destination rules. */
export async function copy(s: Pick<StackContext, "client" | "signal">, projectName: string, from: CopyEnd, to: CopyEnd, o: CopyOptions): Promise<void> {
  if (("host" in from) === ("host" in to)) throw invalidArgument("cp copies between a service container (SERVICE:PATH) and the host; give exactly one of each");
  const service = "service" in from ? from.service : (to as { service: string }).service;
  const c = (await projectContainers(s.client, projectName, { services: [service] }, { signal: s.signal })).find((x) => x.number === o.index);
  if (c === undefined) throw notFound(`service "${service}" has no container ${o.index}`);
  if ("service" in from) await toHost(s.client, c.id, from.path, (to as { host: string }).host);
  else await toContainer(s.client, c.id, (from as { host: string }).host, (to as { path: string }).path, o.keepOwners);
}

async function toContainer(client: EngineClient, container: string, from: string, path: string, keepOwners: boolean): Promise<void> {
  const st = await lstat(from).catch(() => undefined);
  if (st === undefined) throw notFound(`no such file or directory: ${from}`);
  const target = copyTarget({ name: rootName(from), isDir: st.isDirectory() }, path, await containerPathKind(client, container, path));
  // Packed here rather than by the system tar, so that the root entry can take its new name.
  // Without keepOwners the copy belongs to root, as with docker cp.
  async function* entries(): AsyncGenerator<TarSourceEntry> {
    for await (const e of treeEntries(from, target.name)) yield keepOwners ? e : { ...e, uid: 0, gid: 0 };
  }
  await client.putArchive(container, target.dir, writeTar(entries()));
}

async function containerPathKind(client: EngineClient, container: string, path: string): Promise<PathKind> {
  try {
    return (await client.statPath(container, path)).isDir ? "dir" : "file";
  } catch (err) {
    if (isKind(err, "NotFound")) return "missing";
    throw err;
  }
}

async function toHost(client: EngineClient, container: string, path: string, to: string): Promise<void> {
  const kind: PathKind = await lstat(to).then((s) => (s.isDirectory() ? "dir" : "file"), () => "missing");
  const archive = await client.getArchive(container, path);
  const name = rootName(path);
  let target: CopyTarget;
  try {
    target = copyTarget({ name, isDir: archive.stat.isDir }, to, kind);
  } catch (err) {
    await archive.tar[Symbol.asyncIterator]().return?.();
    throw err;
  }
  if (name === target.name) {
    // Unpacked in place, so a directory merges into one of the same name, as with docker cp.
    await untar(archive.tar, target.dir);
    return;
  }
  // A new name: unpacked beside the target, then renamed into place (replacing a file there).
  const staging = await mkdtemp(posix.join(target.dir, ".tstack-cp-"));
  try {
    await untar(archive.tar, staging);
    await rename(posix.join(staging, name), posix.join(target.dir, target.name));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function untar(input: AsyncIterable<Buffer>, dir: string): Promise<unknown> {
  const tar = spawn("tar", ["-x", "-C", dir], { stdio: ["pipe", "inherit", "inherit"] });
  const exited = new Promise<void>((res, rej) => {
    tar.on("error", rej);
    tar.on("exit", (code) => (code === 0 ? res() : rej(new Error(`tar exited with code ${code}`))));
  });
  return Promise.all([pipeline(Readable.from(input), tar.stdin), exited]);
}
