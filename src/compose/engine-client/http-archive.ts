import type { IncomingHttpHeaders } from "node:http";
import type { EngineClient, PathStat } from "./engine-client.ts";
import { toEngineError } from "./engine-errors.ts";
import { seg, type EngineCalls } from "./http-call.ts";

type ArchiveCalls = Pick<EngineClient, "statPath" | "getArchive" | "putArchive">;

/** Files in and out of a container: Docker's archive endpoints (tar both ways). */
export function archiveCalls({ http }: EngineCalls): ArchiveCalls {
  const path = (c: string) => `/containers/${seg(c)}/archive`;
  return {
    statPath: async (c, p, o) => {
      try {
        const res = await http.open({ method: "HEAD", path: path(c), query: { path: p }, signal: o?.signal });
        for await (const _ of res.body); // a HEAD has no body; this frees the connection
        return pathStatOf(res.headers);
      } catch (err) {
        throw toEngineError(err, `stat ${p} in container ${c}`);
      }
    },

    getArchive: async (c, p, o) => {
      try {
        const res = await http.open({ method: "GET", path: path(c), query: { path: p }, signal: o?.signal });
        return { stat: pathStatOf(res.headers), tar: res.body };
      } catch (err) {
        throw toEngineError(err, `copy ${p} out of container ${c}`);
      }
    },

    putArchive: async (c, p, tar, o) => {
      try {
        await http.json({ method: "PUT", path: path(c), query: { path: p }, upload: { contentType: "application/x-tar", data: tar }, signal: o?.signal });
      } catch (err) {
        throw toEngineError(err, `copy into ${p} of container ${c}`);
      }
    },
  };
}

/** X-Docker-Container-Path-Stat: base64 JSON of the path's name, size, Go os.FileMode and link target. */
export function pathStatOf(headers: IncomingHttpHeaders): PathStat {
  const header = headers["x-docker-container-path-stat"];
  const stat = (typeof header === "string" ? JSON.parse(Buffer.from(header, "base64").toString("utf8")) : {}) as { name?: string; size?: number; mode?: number; linkTarget?: string };
  const mode = stat.mode ?? 0;
  return { name: stat.name ?? "", size: stat.size ?? 0, mode, isDir: Math.floor(mode / 2 ** 31) % 2 === 1, linkTarget: stat.linkTarget ?? "" };
}
