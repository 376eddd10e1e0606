import type { EngineEvent } from "./engine-client.ts";

/**
 * The fake engine's event stream: every event kept (for `since`), handed to live subscribers,
 * filtered as the engine filters (type, event, label).
 */
export class FakeEventBus {
  readonly #history: EngineEvent[] = [];
  readonly #listeners = new Set<(e: EngineEvent) => void>();

  emit(e: EngineEvent): void {
    this.#history.push(e);
    for (const l of this.#listeners) l(e);
  }

  /** Resolves at the first event `matches` accepts; rejects when the signal aborts. */
  next(matches: (e: EngineEvent) => boolean, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const l = (e: EngineEvent) => {
        if (!matches(e)) return;
        this.#listeners.delete(l);
        resolve();
      };
      this.#listeners.add(l);
      signal?.addEventListener("abort", () => (this.#listeners.delete(l), reject(signal.reason)), { once: true });
    });
  }

  /** Events since `since` (unix seconds) first, then live ones until the signal aborts. */
  async *subscribe(filters: Readonly<Record<string, readonly string[]>>, since: number | undefined, signal: AbortSignal | undefined): AsyncGenerator<EngineEvent> {
    const queue: EngineEvent[] = since !== undefined ? this.#history.filter((e) => happenedSince(e.timeNano, since)) : [];
    let wake: (() => void) | undefined;
    const l = (e: EngineEvent) => {
      queue.push(e);
      wake?.();
    };
    this.#listeners.add(l);
    const aborted = new Promise<void>((r) => (signal?.aborted ? r() : signal?.addEventListener("abort", () => r(), { once: true })));
    try {
      for (;;) {
        while (queue.length > 0) {
          const e = queue.shift() as EngineEvent;
          if (eventMatches(e, filters)) yield e;
        }
        if (signal?.aborted) return;
        await Promise.race([new Promise<void>((r) => (wake = r)), aborted]);
      }
    } finally {
      this.#listeners.delete(l);
    }
  }
}

/** `key` or `key=value` label filters, all of which must match. */
export function labelsMatch(labels: Readonly<Record<string, string>>, filters: readonly string[]): boolean {
  return filters.every((l) => {
    const i = l.indexOf("=");
    return i < 0 ? Object.hasOwn(labels, l) : labels[l.slice(0, i)] === l.slice(i + 1);
  });
}

function eventMatches(e: EngineEvent, f: Readonly<Record<string, readonly string[]>>): boolean {
  if (f["type"] !== undefined && !f["type"].includes(e.type)) return false;
  if (f["event"] !== undefined && !f["event"].includes(e.action)) return false;
  return labelsMatch(e.attributes, f["label"] ?? []);
}

/**
 * Whether an event at `timeNano` counts for `since` (unix seconds with a fraction), compared in
 * whole microseconds: in floating point, `ms / 1000 * 1e9` lands above `ms * 1e6` for about one
 * millisecond value in eight, which dropped an event of the very millisecond a caller took as
 * its `since` (an attached up then waited for an exit it had missed). The engine gets `since` as
 * decimal text and has no such error.
 */
export function happenedSince(timeNano: number, since: number): boolean {
  return Math.round(timeNano / 1e3) >= Math.round(since * 1e6);
}
