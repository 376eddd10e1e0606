import { spawn } from "node:child_process";
import { lstat, mkdtemp, rename, rm } from "node:fs/promises";
import { posix, resolve } from "node:path";
import { Readable } from "node:stream";
import type Dockerode from "dockerode";
import { invalidArgument, notFound } from "../../common/errors.ts";
import { treeEntries, writeTar, type TarSourceEntry } from "../../common/tar/index.ts";
import { toEngineError } from "../../compose/engine-client/index.ts";
import { listProjectContainers } from "../containers.ts";
import type { CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";

/** `SERVICE:PATH` or a host path. A leading `./` or `/` is always a host path. Pure. */
export function parseCopyArg(arg: string): { service: string; path: string } | { host: string } {
  if (arg.startsWith("/") || arg.startsWith(".")) return { host: arg };
  const i = arg.indexOf(":");
  return i > 0 ? { service: arg.slice(0, i), path: arg.slice(i + 1) } : { host: arg };
}

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

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** Whether an archive response's X-Docker-Container-Path-Stat (base64 JSON, Go's os.FileMode) names a directory. Pure. */
export function statIsDir(headers: Headers | undefined): boolean {
  const header = headers?.["x-docker-container-path-stat"];
  if (typeof header !== "string") return false;
  const stat = JSON.parse(Buffer.from(header, "base64").toString("utf8")) as { mode?: number };
  return Math.floor((stat.mode ?? 0) / 2 ** 31) % 2 === 1;
}

/** Copies through the engine's archive API, following docker cp's rules for the destination. */
export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const [srcArg = "", dstArg = ""] = inv.args;
  const src = parseCopyArg(srcArg);
  const dst = parseCopyArg(dstArg);
  if (("host" in src) === ("host" in dst)) throw invalidArgument("cp copies between a service container (SERVICE:PATH) and the host; give exactly one of each");
  const index = typeof inv.options["index"] === "number" ? inv.options["index"] : 1;
  const svc = "service" in src ? src.service : (dst as { service: string }).service;
  const { name } = await ctx.projectOrName();
  const conn = await ctx.engine();
  const c = (await listProjectContainers(conn.docker, name, { services: [svc] })).find((x) => x.number === index);
  if (c === undefined) throw notFound(`service "${svc}" has no container ${index}`);
  const container = conn.docker.getContainer(c.id);
  try {
    if ("service" in src) {
      const host = (dst as { host: string }).host;
      // resolve() drops a trailing slash, which says "must be a directory".
      await toHost(container, src.path, resolve(ctx.io.cwd, host) + (host.endsWith("/") ? "/" : ""));
    } else {
      await toContainer(container, resolve(ctx.io.cwd, src.host), (dst as { path: string }).path, inv.options["archive"] === true);
    }
  } catch (err) {
    throw toEngineError(err, `copy ${srcArg} to ${dstArg}`);
  }
}

async function toContainer(container: Dockerode.Container, from: string, path: string, keepOwners: boolean): Promise<void> {
  const st = await lstat(from).catch(() => undefined);
  if (st === undefined) throw notFound(`no such file or directory: ${from}`);
  const target = copyTarget({ name: rootName(from), isDir: st.isDirectory() }, path, await containerPathKind(container, path));
  // Packed here rather than by the system tar, so that the root entry can take its new name.
  // Without --archive the copy belongs to root, as with docker cp.
  async function* entries(): AsyncGenerator<TarSourceEntry> {
    for await (const e of treeEntries(from, target.name)) yield keepOwners ? e : { ...e, uid: 0, gid: 0 };
  }
  await container.putArchive(Readable.from(writeTar(entries())), { path: target.dir });
}

async function containerPathKind(container: Dockerode.Container, path: string): Promise<PathKind> {
  try {
    const res = (await container.infoArchive({ path })) as { headers?: Headers };
    return statIsDir(res.headers) ? "dir" : "file";
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return "missing";
    throw err;
  }
}

async function toHost(container: Dockerode.Container, path: string, to: string): Promise<void> {
  const kind: PathKind = await lstat(to).then((s) => (s.isDirectory() ? "dir" : "file"), () => "missing");
  const archive = (await container.getArchive({ path })) as Readable & { headers?: Headers };
  const name = rootName(path);
  let target: CopyTarget;
  try {
    target = copyTarget({ name, isDir: statIsDir(archive.headers) }, to, kind);
  } catch (err) {
    archive.destroy();
    throw err;
  }
  if (name === target.name) {
    // Unpacked in place, so a directory merges into one of the same name, as with docker cp.
    await untar(archive, target.dir);
    return;
  }
  // A new name: unpacked beside the target, then renamed into place (replacing a file there).
  const staging = await mkdtemp(posix.join(target.dir, ".tstack-cp-"));
  try {
    await untar(archive, staging);
    await rename(posix.join(staging, name), posix.join(target.dir, target.name));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function untar(input: NodeJS.ReadableStream, dir: string): Promise<void> {
  const tar = spawn("tar", ["-x", "-C", dir], { stdio: ["pipe", "inherit", "inherit"] });
  input.pipe(tar.stdin);
  return new Promise((res, rej) => {
    tar.on("error", rej);
    tar.on("exit", (code) => (code === 0 ? res() : rej(new Error(`tar exited with code ${code}`))));
  });
}
