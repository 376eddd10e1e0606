import { lstat, readlink } from "node:fs/promises";
import { posix } from "node:path";
import { conflict, invalidArgument, notFound } from "../../common/errors.ts";
import { treeEntries, writeTar } from "../../common/tar/index.ts";
import { resolveInRootfs } from "../../runtime/containers/rootfs-path.ts";
import { extractIntoRootfs } from "../archive/tar-in.ts";
import { pathStatHeader } from "../archive/path-stat.ts";
import type { ApiDeps } from "../deps.ts";
import type { ApiRequest, Handler } from "../http/context.ts";
import { queryBool } from "../http/query.ts";
import type { Router } from "../router.ts";

// GET/HEAD/PUT /containers/{id}/archive. The rootfs is the container's overlay mount, which
// exists while the container runs; a stopped container's files are refused (409) for now.

export function archiveRoutes(r: Router<Handler>, deps: ApiDeps): void {
  const locate = async (req: ApiRequest) => {
    const rec = deps.engine.containers.get(req.params["id"]!);
    if (rec.state.status !== "running" && rec.state.status !== "paused") {
      throw conflict(`container ${rec.name} is not running: tstack copies files only to and from running containers`);
    }
    const path = req.query.get("path");
    if (!path) throw invalidArgument("path is required");
    const rootfs = deps.engine.paths.container(rec.id).rootfs;
    const abs = posix.resolve("/", path);
    return { rootfs, path: abs, host: await resolveInRootfs(rootfs, abs) };
  };
  const stat = async (req: ApiRequest) => {
    const loc = await locate(req);
    // The path's last component is reported as itself (a link stays a link), as Docker does.
    const parent = await resolveInRootfs(loc.rootfs, posix.dirname(loc.path));
    const own = posix.join(parent, posix.basename(loc.path));
    const st = await lstat(loc.path === "/" ? loc.host : own).catch(() => undefined);
    if (!st) throw notFound(`Could not find the file ${loc.path} in container ${req.params["id"]}`);
    const linkTarget = st.isSymbolicLink() ? await readlink(own) : "";
    return { ...loc, header: pathStatHeader(posix.basename(loc.path) || "/", st, linkTarget) };
  };

  r.add("HEAD", "/containers/{id}/archive", async (req, res) => {
    const s = await stat(req);
    res.empty(200, { "X-Docker-Container-Path-Stat": s.header });
  });

  r.add("GET", "/containers/{id}/archive", async (req, res) => {
    const s = await stat(req);
    const name = posix.basename(s.path) || ".";
    const sink = res.stream(200, { "Content-Type": "application/x-tar", "X-Docker-Container-Path-Stat": s.header });
    for await (const chunk of writeTar(treeEntries(s.host, name))) {
      if (req.signal.aborted) break;
      await sink.write(chunk);
    }
    sink.end();
  });

  r.add("PUT", "/containers/{id}/archive", async (req, res) => {
    const loc = await locate(req);
    const st = await lstat(loc.host).catch(() => undefined);
    if (!st) throw notFound(`Could not find the file ${loc.path} in container ${req.params["id"]}`);
    if (!st.isDirectory()) throw invalidArgument(`extraction point ${loc.path} is not a directory`);
    await extractIntoRootfs(req.body(), { rootfs: loc.rootfs, dir: loc.path, noOverwriteDirNonDir: queryBool(req.query, "noOverwriteDirNonDir") });
    res.empty(200);
  });
}
