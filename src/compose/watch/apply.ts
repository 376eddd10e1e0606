import { failedPrecondition } from "../../common/errors.ts";
import { writeTar } from "../../common/tar/index.ts";
import type { EngineClient, ExecCreateBody } from "../engine-client/index.ts";
import type { ServiceHook } from "../model/index.ts";
import { argumentChunks, commandMissing, execCollect, execFailure } from "./container-exec.ts";
import type { Owner } from "./container-user.ts";
import { isGone, lstatOrGone } from "./host-tree.ts";
import type { PathMapping, ServiceWork } from "./route.ts";
import { syncEntries, type SyncCount } from "./sync-archive.ts";

/** Rebuilds a service's image and recreates its containers (the builder's part, wired in by the caller). */
export type RebuildService = (service: string, o: { readonly signal: AbortSignal; readonly prune: boolean }) => Promise<void>;

/** A running container of the service: its ID and how messages name it ("web-1"). */
export interface WatchedContainer {
  readonly id: string;
  readonly label: string;
}

export interface ApplyContext {
  readonly client: EngineClient;
  readonly signal: AbortSignal;
  /** Who owns synced files in this container. */
  owner(container: string): Promise<Owner>;
  /** Restarts a container (the watch remembers that the start that follows is its own). */
  restart(container: string): Promise<void>;
  readonly rebuild: RebuildService;
  readonly prune: boolean;
  status(line: string): void;
}

/**
 * Carries out a service's work on its running containers: removes, then copies (one archive
 * upload per container), a restart, the exec commands. The host decides what a path is now: a
 * written path that is gone is removed, a removed one that is back is copied. Decides nothing
 * else. A removal that fails does not hold back the rest; it is thrown once the rest is done.
 * Any other failure stops the container's work and is thrown.
 */
export async function applyWork(a: ApplyContext, work: ServiceWork, containers: readonly WatchedContainer[]): Promise<void> {
  if (work.rebuild) {
    await a.rebuild(work.service, { signal: a.signal, prune: a.prune });
    a.status(`${work.service}: rebuilt and recreated`);
    return;
  }
  for (const c of containers) {
    const { done, removal } = await syncInto(a, c.id, [...work.removes, ...work.copies]);
    if (work.restart) {
      await a.restart(c.id);
      done.push("restarted");
    }
    for (const rule of work.execs) {
      if (rule.exec === undefined) continue;
      const r = await execCollect(a.client, c.id, hookBody(rule.exec), a.signal);
      const what = rule.exec.command.join(" ");
      if (r.exitCode !== 0) throw failedPrecondition(execFailure(what, r));
      done.push(`ran ${what}`);
    }
    if (done.length > 0) a.status(`${c.label}: ${done.join(", ")}`);
    if (removal !== undefined) throw removal;
  }
}

/** Removes what is gone from the host and uploads what is there; says what it did. */
async function syncInto(a: ApplyContext, container: string, paths: readonly PathMapping[]): Promise<{ done: string[]; removal?: unknown }> {
  // A file deleted while the archive streams fails the upload: the host is asked again, once.
  for (let attempt = 1; ; attempt++) {
    const { present, gone } = await hostState(paths);
    const done: string[] = [];
    let removal: unknown;
    const count: SyncCount = { files: 0, dirs: 0 };
    try {
      if (gone.length > 0) {
        await removeIn(a.client, container, gone.map((m) => m.containerPath), a.signal).then(
          () => done.push(`removed ${plural(gone.length, "path")}`),
          (err: unknown) => (removal = err),
        );
      }
      if (present.length > 0) await a.client.putArchive(container, "/", writeTar(syncEntries(present, await a.owner(container), count)), { signal: a.signal });
    } catch (err) {
      if (attempt === 1 && causedBy(err, isGone)) continue;
      throw err;
    }
    if (count.files + count.dirs > 0) done.push(`synced ${plural(count.files, "file")}${count.dirs > 0 ? ` and ${plural(count.dirs, "directory", "directories")}` : ""}`);
    return { done, ...(removal !== undefined ? { removal } : {}) };
  }
}

/** Each path as the host has it now: still there (copy it) or gone (remove it). */
async function hostState(paths: readonly PathMapping[]): Promise<{ present: PathMapping[]; gone: PathMapping[] }> {
  const states = await Promise.all(paths.map(async (m) => ({ m, there: (await lstatOrGone(m.hostPath)) !== undefined })));
  const seen = new Set<string>();
  const present: PathMapping[] = [];
  const gone: PathMapping[] = [];
  for (const { m, there } of states) {
    const key = `${m.hostPath}\0${m.containerPath}`;
    if (seen.has(key)) continue;
    seen.add(key);
    (there ? present : gone).push(m);
  }
  return { present, gone };
}

// The archive API cannot delete, so deletions take the container's rm: an image without one
// (distroless, scratch) keeps files deleted on the host until its container is recreated.
async function removeIn(client: EngineClient, container: string, paths: readonly string[], signal: AbortSignal): Promise<void> {
  for (const chunk of argumentChunks(paths)) {
    const r = await execCollect(client, container, { Cmd: ["rm", "-rf", "--", ...chunk], User: "0" }, signal);
    if (commandMissing(r)) throw failedPrecondition(`cannot remove ${plural(paths.length, "path")} deleted on the host: the container has no rm`);
    if (r.exitCode !== 0) throw failedPrecondition(execFailure("rm", r));
  }
}

/** A sync+exec rule's command as an exec: its user, privileges, working directory and variables (those without a value are left out). */
export function hookBody(hook: ServiceHook): Omit<ExecCreateBody, "AttachStdin" | "AttachStdout" | "AttachStderr" | "Tty"> {
  return {
    Cmd: [...hook.command],
    Privileged: hook.privileged,
    Env: Object.entries(hook.environment).flatMap(([k, v]) => (v === null ? [] : [`${k}=${v}`])),
    ...(hook.user !== undefined ? { User: hook.user } : {}),
    ...(hook.working_dir !== undefined ? { WorkingDir: hook.working_dir } : {}),
  };
}

/** Whether the error, or one of its causes, is one `test` recognises. */
function causedBy(err: unknown, test: (e: unknown) => boolean): boolean {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 10; e = (e as { cause?: unknown }).cause, depth++) if (test(e)) return true;
  return false;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
