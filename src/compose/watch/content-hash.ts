import { createHash } from "node:crypto";
import { createReadStream, type Stats } from "node:fs";
import type { EngineClient } from "../engine-client/index.ts";
import { argumentChunks, commandMissing, execCollect } from "./container-exec.ts";

// Convergence compares content, never times: a container's files have the mtimes of its image or
// of the last sync, and a host checkout rewrites mtimes without changing content.
//
// The container side is hashed by `sha256sum` run in it, over exactly the files the watch
// manages. The alternative, GET /archive of each rule's target hashed here, would pull everything
// under the target over the API on every start, including what the rule ignores (node_modules,
// build output): megabytes to compare kilobytes. sha256sum is in busybox and coreutils, so in
// nearly every image with a shell; where it is missing (distroless), convergence copies every
// file instead, which is correct and only slower.

/** sha256 (hex) of host files, remembered while their size, mtime and inode stay the same. */
export class HostHashes {
  readonly #cache = new Map<string, { readonly key: string; readonly hash: string }>();

  async of(path: string, stat: Stats): Promise<string> {
    const key = `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
    const hit = this.#cache.get(path);
    if (hit?.key === key) return hit.hash;
    const h = createHash("sha256");
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
    const hash = h.digest("hex");
    this.#cache.set(path, { key, hash });
    return hash;
  }
}

/**
 * sha256sum's output → path → hex digest. GNU sha256sum escapes a name holding a backslash or a
 * newline and then starts the line with a backslash; busybox does not escape. Pure.
 */
export function parseSha256sum(out: string): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const line of out.split("\n")) {
    const m = /^(\\?)([0-9a-f]{64}) [ *](.*)$/.exec(line);
    if (m === null) continue;
    const name = m[1] === "\\" ? (m[3] ?? "").replace(/\\(\\|n)/g, (_, c: string) => (c === "n" ? "\n" : "\\")) : (m[3] ?? "");
    hashes.set(name, m[2] ?? "");
  }
  return hashes;
}

/**
 * The sha256 of each of these container files that exists and is readable (as root), or
 * undefined when the container cannot hash (no sha256sum). A name with a newline is never
 * reported, so it always counts as different.
 */
export async function containerHashes(client: EngineClient, container: string, paths: readonly string[], signal: AbortSignal): Promise<Map<string, string> | undefined> {
  const all = new Map<string, string>();
  for (const chunk of argumentChunks(paths.filter((p) => !p.includes("\n")))) {
    const r = await execCollect(client, container, { Cmd: ["sha256sum", "--", ...chunk], User: "0" }, signal);
    // 1: some files are missing, the others are listed.
    if (commandMissing(r) || (r.exitCode !== 0 && r.exitCode !== 1)) return undefined;
    for (const [p, h] of parseSha256sum(r.stdout.toString("utf8"))) all.set(p, h);
  }
  return all;
}
