import type Dockerode from "dockerode";
import { projectFilter } from "../../compose/labels/index.ts";
import { listProjectContainers, projectContainerOf, shortLabel, type ProjectContainer } from "../containers.ts";
import { FrameDemuxer, LineSplitter } from "./frames.ts";
import type { LogLine } from "./log-format.ts";
import { parseTimeNs } from "../../runtime/logs/log-time.ts";

export interface FollowOptions {
  readonly projectName: string;
  readonly services?: readonly string[];
  readonly index?: number;
  readonly follow: boolean;
  /** "all" or a number of lines per container. */
  readonly tail?: string;
  /** Unix seconds. */
  readonly since?: number;
  readonly until?: number;
  readonly timestamps?: boolean;
  readonly signal: AbortSignal;
  /** Called for every container attached (first time and again after a restart/recreate). */
  readonly onAttach?: (c: ProjectContainer) => void;
  /** Called when a container's stream ends. */
  readonly onDetach?: (c: ProjectContainer) => void;
}

/**
 * Streams the logs of a project's containers to `sink`, line by line. Without `follow` it
 * resolves once every container's log has been read. With `follow` it keeps going until the
 * signal aborts, and — unlike docker compose — keeps following services whose containers
 * restart or are recreated: it watches the project's `start` events and attaches to any
 * container it is not already reading (from the moment it started, so nothing repeats).
 */
export async function followLogs(docker: Dockerode, sink: (line: LogLine) => void, o: FollowOptions): Promise<void> {
  const attached = new Set<string>();
  const pending = new Set<Promise<void>>();
  const wanted = (c: ProjectContainer) =>
    !c.oneoff && (o.services === undefined || o.services.length === 0 || o.services.includes(c.service)) && (o.index === undefined || c.number === o.index);

  const attach = (c: ProjectContainer, since: number | undefined, tail: string | undefined) => {
    if (attached.has(c.id)) return;
    attached.add(c.id);
    o.onAttach?.(c);
    const p = readContainer(docker, c, sink, { ...o, since, tail }).finally(() => {
      attached.delete(c.id);
      pending.delete(p);
      o.onDetach?.(c);
      // A restart can start the next run before this stream ended, when its start event was
      // passed over as already followed: pick the new run up from where the last one ended.
      if (o.follow && !o.signal.aborted) void resumeIfRunning(c);
    });
    pending.add(p);
  };
  const resumeIfRunning = async (c: ProjectContainer) => {
    try {
      const state = ((await docker.getContainer(c.id).inspect()) as { State?: { Running?: boolean; FinishedAt?: string } }).State;
      if (state?.Running === true && !o.signal.aborted) attach(c, state.FinishedAt !== undefined ? secondsAfter(state.FinishedAt) : undefined, "all");
    } catch {
      // gone: nothing more to follow
    }
  };

  // Subscribe before listing, so a container started in between is not missed.
  let events: Promise<void> | undefined;
  if (o.follow) {
    const stream = (await docker.getEvents({
      filters: JSON.stringify({ type: ["container"], event: ["start"], label: [projectFilter(o.projectName)] }),
      abortSignal: o.signal,
    } as object)) as unknown as NodeJS.ReadableStream;
    events = watchStarts(stream, o.signal, async (id) => {
      try {
        const info = await docker.listContainers({ all: true, filters: JSON.stringify({ id: [id] }) });
        const c = info[0] !== undefined ? projectContainerOf(info[0]) : undefined;
        if (c === undefined || !wanted(c)) return;
        // A restarted container: what came after its previous run ended (its first lines are
        // older than the start event, and lines of the run before must not come twice). A new
        // one: all of it.
        const finished = ((await docker.getContainer(id).inspect()) as { State?: { FinishedAt?: string } }).State?.FinishedAt;
        attach(c, finished !== undefined ? secondsAfter(finished) : undefined, "all");
      } catch {
        // The container may already be gone (a quick run --rm); nothing to follow.
      }
    });
  }
  for (const c of await listProjectContainers(docker, o.projectName, { services: o.services ?? [] })) {
    if (wanted(c)) attach(c, o.since, o.tail);
  }
  if (!o.follow) {
    while (pending.size > 0) await Promise.allSettled([...pending]);
    return;
  }
  await new Promise<void>((resolve) => {
    if (o.signal.aborted) resolve();
    o.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await events?.catch(() => {});
}

/**
 * An RFC 3339 time with up to nanoseconds as fractional unix seconds just after it (the API's
 * `since` takes `seconds.fraction`), or undefined for Go's zero time or nonsense. Pure.
 */
export function secondsAfter(rfc3339: string): number | undefined {
  let ns: bigint;
  try {
    ns = parseTimeNs(rfc3339);
  } catch {
    return undefined;
  }
  // One microsecond later: `since` includes lines at exactly that time.
  return ns > 0n ? Number(ns / 1000n) / 1e6 + 1e-6 : undefined;
}

async function watchStarts(
  stream: NodeJS.ReadableStream,
  signal: AbortSignal,
  onStart: (id: string) => Promise<void>,
): Promise<void> {
  const lines = new LineSplitter();
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (const l of lines.push(chunk)) {
        if (l.trim() === "") continue;
        let e: { Action?: string; status?: string; Actor?: { ID?: string }; id?: string };
        try {
          e = JSON.parse(l);
        } catch {
          continue;
        }
        if ((e.Action ?? e.status) !== "start") continue;
        const id = e.Actor?.ID ?? e.id;
        if (id !== undefined) await onStart(id);
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

type ReadOptions = Omit<FollowOptions, "since" | "tail"> & { readonly since: number | undefined; readonly tail: string | undefined };

async function readContainer(docker: Dockerode, c: ProjectContainer, sink: (line: LogLine) => void, o: ReadOptions): Promise<void> {
  const container = docker.getContainer(c.id);
  let tty = false;
  try {
    tty = ((await container.inspect()) as { Config?: { Tty?: boolean } }).Config?.Tty === true;
  } catch {
    return; // removed meanwhile
  }
  const opts: Record<string, unknown> = { stdout: true, stderr: true, follow: o.follow, timestamps: o.timestamps === true, abortSignal: o.signal };
  if (o.tail !== undefined && o.tail !== "all") opts.tail = Number(o.tail);
  if (o.since !== undefined) opts.since = o.since;
  if (o.until !== undefined) opts.until = o.until;
  let stream: NodeJS.ReadableStream | Buffer;
  try {
    stream = (await container.logs(opts as unknown as Dockerode.ContainerLogsOptions & { follow: true })) as NodeJS.ReadableStream | Buffer;
  } catch {
    return;
  }
  const label = shortLabel(c);
  const splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };
  const demux = new FrameDemuxer();
  const emit = (s: "stdout" | "stderr", data: Buffer) => {
    for (const text of splitters[s].push(data)) sink({ service: c.service, label, stream: s, text });
  };
  const onChunk = (chunk: Buffer) => {
    if (tty) emit("stdout", chunk);
    else for (const f of demux.push(chunk)) emit(f.stream, f.data);
  };
  try {
    if (Buffer.isBuffer(stream)) onChunk(stream);
    else for await (const chunk of stream as AsyncIterable<Buffer>) onChunk(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  } catch (err) {
    if (!o.signal.aborted) throw err;
  } finally {
    for (const s of ["stdout", "stderr"] as const) for (const text of splitters[s].flush()) sink({ service: c.service, label, stream: s, text });
  }
}
