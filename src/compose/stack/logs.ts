// The engine's own timestamp parser (pure); it belongs in src/common once src/runtime is free to change.
import { parseTimeNs } from "../../runtime/logs/log-time.ts";
import { projectFilter } from "../labels/index.ts";
import { observedContainerOf, projectContainers, shortLabel, type ObservedContainer } from "../observe/index.ts";
import { LineSplitter } from "./lines.ts";
import type { LogConsumer } from "./log-consumer.ts";
import type { StackContext } from "./stack-context.ts";

export interface LogsOptions {
  readonly services?: readonly string[];
  /** Only this replica. */
  readonly index?: number;
  readonly follow: boolean;
  /** Lines from the end of each container's log; all when absent. */
  readonly tail?: number;
  /** Unix seconds. */
  readonly since?: number;
  readonly until?: number;
  readonly timestamps?: boolean;
}

/**
 * Streams the logs of a project's containers to `consumer`, line by line. Without `follow` it
 * resolves once every container's log has been read. With `follow` it keeps going until the
 * signal aborts, and — unlike docker compose — keeps following services whose containers
 * restart or are recreated: it watches the project's `start` events and attaches to any
 * container it is not already reading (from the moment it started, so nothing repeats).
 */
export async function logs(s: Pick<StackContext, "client" | "signal">, projectName: string, o: LogsOptions, consumer: LogConsumer): Promise<void> {
  const { client, signal } = s;
  const attached = new Set<string>();
  const pending = new Set<Promise<void>>();
  const wanted = (c: ObservedContainer) =>
    !c.oneoff && (o.services === undefined || o.services.length === 0 || o.services.includes(c.service)) && (o.index === undefined || c.number === o.index);

  const attach = (c: ObservedContainer, since: number | undefined, tail: number | undefined) => {
    if (attached.has(c.id)) return;
    attached.add(c.id);
    const p = readContainer(s, c, consumer, { ...o, since, tail }).finally(() => {
      attached.delete(c.id);
      pending.delete(p);
      // A restart can start the next run before this stream ended, when its start event was
      // passed over as already followed: pick the new run up from where the last one ended.
      if (o.follow && !signal.aborted) void resumeIfRunning(c);
    });
    pending.add(p);
  };
  const resumeIfRunning = async (c: ObservedContainer) => {
    try {
      const { state } = await client.inspectContainer(c.id);
      if (state.running && !signal.aborted) attach(c, secondsAfter(state.finishedAt), undefined);
    } catch {
      // gone: nothing more to follow
    }
  };

  // Subscribe before listing, so a container started in between is not missed.
  let events: Promise<void> | undefined;
  if (o.follow) {
    const starts = client.events({ filters: { type: ["container"], event: ["start"], label: [projectFilter(projectName)] }, signal });
    events = (async () => {
      for await (const e of starts) {
        try {
          const [summary] = await client.listContainers({ labels: [projectFilter(projectName)], ids: [e.id] });
          const c = summary !== undefined ? observedContainerOf(summary) : undefined;
          if (c === undefined || !wanted(c)) continue;
          // A restarted container: what came after its previous run ended (its first lines are
          // older than the start event, and lines of the run before must not come twice). A new
          // one: all of it.
          attach(c, secondsAfter((await client.inspectContainer(e.id)).state.finishedAt), undefined);
        } catch {
          // The container may already be gone (a quick run --rm); nothing to follow.
        }
      }
    })();
  }
  for (const c of await projectContainers(client, projectName, { services: o.services ?? [] }, { signal })) {
    if (wanted(c)) attach(c, o.since, o.tail);
  }
  if (!o.follow) {
    while (pending.size > 0) await Promise.allSettled([...pending]);
    return;
  }
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await events?.catch(() => {});
}

/**
 * An RFC 3339 time with up to nanoseconds as fractional unix seconds just after it (the API's
 * `since` takes `seconds.fraction`), or undefined for none, Go's zero time or nonsense. Pure.
 */
export function secondsAfter(rfc3339: string | undefined): number | undefined {
  if (rfc3339 === undefined) return undefined;
  let ns: bigint;
  try {
    ns = parseTimeNs(rfc3339);
  } catch {
    return undefined;
  }
  // One microsecond later: `since` includes lines at exactly that time.
  return ns > 0n ? Number(ns / 1000n) / 1e6 + 1e-6 : undefined;
}

type ReadOptions = Omit<LogsOptions, "since" | "tail"> & { readonly since: number | undefined; readonly tail: number | undefined };

async function readContainer({ client, signal }: Pick<StackContext, "client" | "signal">, c: ObservedContainer, consumer: LogConsumer, o: ReadOptions): Promise<void> {
  let chunks: AsyncIterable<{ stream: "stdout" | "stderr"; data: Buffer }>;
  try {
    chunks = await client.containerLogs(c.id, {
      follow: o.follow,
      timestamps: o.timestamps === true,
      signal,
      ...(o.tail !== undefined ? { tail: o.tail } : {}),
      ...(o.since !== undefined ? { since: o.since } : {}),
      ...(o.until !== undefined ? { until: o.until } : {}),
    });
  } catch {
    return; // removed meanwhile
  }
  const label = shortLabel(c);
  const splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };
  try {
    for await (const chunk of chunks) for (const text of splitters[chunk.stream].push(chunk.data)) consumer.line({ service: c.service, label, stream: chunk.stream, text });
  } catch (err) {
    if (!signal.aborted) throw err;
  } finally {
    for (const st of ["stdout", "stderr"] as const) for (const text of splitters[st].flush()) consumer.line({ service: c.service, label, stream: st, text });
  }
}
