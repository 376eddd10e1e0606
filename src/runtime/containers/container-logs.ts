import type { EnginePaths } from "../engine-paths.ts";
import { readLogs, type LogEntry, type ReadLogsOptions } from "../logs/log-reader.ts";
import { parseTimeNs } from "../logs/log-time.ts";
import { ZERO_TIME } from "./container-record.ts";
import type { ContainerStore } from "./container-store.ts";

export interface LogsDeps {
  readonly paths: Pick<EnginePaths, "container">;
  readonly store: Pick<ContainerStore, "get" | "find">;
}

const ACTIVE = ["running", "paused", "restarting"];

/** `docker logs`: a follow ends when the container stops running, at the time it finished. */
export function containerLogs(d: LogsDeps, idOrName: string, opts: Omit<ReadLogsOptions, "isDone" | "endNs"> = {}): AsyncGenerator<LogEntry> {
  const rec = d.store.get(idOrName);
  const isDone = () => {
    const cur = d.store.find(rec.id);
    return !cur || !ACTIVE.includes(cur.state.status);
  };
  const endNs = () => {
    const finished = d.store.find(rec.id)?.state.finishedAt;
    if (finished === undefined || finished === ZERO_TIME) return undefined;
    try {
      return parseTimeNs(finished);
    } catch {
      return undefined;
    }
  };
  return readLogs(d.paths.container(rec.id).log, { ...opts, isDone, endNs });
}
