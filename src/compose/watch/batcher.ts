import { compareStrings } from "../../common/compare-strings.ts";
import type { Timers } from "./timers.ts";

/** What the host file system says happened to a path. A rename is a remove of the old path and a write of the new one. */
export interface FileChange {
  readonly path: string;
  readonly kind: "write" | "remove";
  /** The path is (or, removed, was) a directory. */
  readonly isDir: boolean;
}

export interface BatchTiming {
  /** A batch is handed out once no change came for this long. */
  readonly quietMs: number;
  /** ... or at the latest this long after its first change, so that a writer that never pauses still gets synced. */
  readonly maxWaitMs: number;
}

// 100 ms: the largest pause measured between the files of a 500-file `git checkout` here was
// 21 ms (a single save is one event), so a burst stays one batch with room to spare, and a sync
// still follows a save within about a tenth of a second. docker compose waits 500 ms.
export const DEFAULT_TIMING: BatchTiming = { quietMs: 100, maxWaitMs: 5_000 };

/**
 * Collects file changes into batches: one per burst, each path once with its last state (a write
 * then a remove is a remove; a remove then a write, a write), sorted by path. Lifecycle: `add`
 * any number of times; `close` drops what is pending and stops the timer.
 */
export interface Batcher {
  add(change: FileChange): void;
  /** Paths waiting for the quiet period to end. */
  readonly pending: number;
  close(): void;
}

export function createBatcher(timers: Timers, timing: BatchTiming, onBatch: (batch: readonly FileChange[]) => void): Batcher {
  let changes = new Map<string, FileChange>();
  let firstAt = 0;
  let timer: unknown;
  const flush = () => {
    timer = undefined;
    const batch = [...changes.values()].sort((a, b) => compareStrings(a.path, b.path));
    changes = new Map();
    if (batch.length > 0) onBatch(batch);
  };
  return {
    add(change) {
      const now = timers.now();
      if (changes.size === 0) firstAt = now;
      changes.delete(change.path); // re-inserted last: the map keeps the final state
      changes.set(change.path, change);
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = timers.setTimeout(flush, Math.max(0, Math.min(timing.quietMs, firstAt + timing.maxWaitMs - now)));
    },
    get pending() {
      return changes.size;
    },
    close() {
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
      changes = new Map();
    },
  };
}
