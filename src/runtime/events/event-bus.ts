// The engine's event stream (Docker's /events): container, image, volume and network
// events with a bounded history, so subscribers can ask for `since` and still get live ones.

export type EventType = "container" | "image" | "volume" | "network" | "daemon";

export interface EngineEvent {
  readonly type: EventType;
  readonly action: string; // create, start, die, health_status: healthy, oom, kill, destroy, pull, tag …
  readonly id: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly timeNs: bigint;
}

export type EventFilter = (e: EngineEvent) => boolean;

export interface Subscription extends AsyncIterable<EngineEvent> {
  close(): void;
}

export interface EventBus {
  emit(e: Omit<EngineEvent, "timeNs">): EngineEvent;
  /** History since `sinceNs` (if given) and then live events until closed or aborted. */
  subscribe(opts?: { sinceNs?: bigint; filter?: EventFilter; signal?: AbortSignal }): Subscription;
  /** In-process listeners (restart manager, health waiters): called synchronously. */
  on(fn: (e: EngineEvent) => void): () => void;
}

export function createEventBus(deps: { nowNs: () => bigint; historySize?: number }): EventBus {
  const history: EngineEvent[] = [];
  const max = deps.historySize ?? 1024;
  const listeners = new Set<(e: EngineEvent) => void>();
  let last = 0n;
  return {
    emit(partial) {
      // Strictly increasing times keep `since` exact even for events in the same nanosecond.
      let t = deps.nowNs();
      if (t <= last) t = last + 1n;
      last = t;
      const e: EngineEvent = { ...partial, timeNs: t };
      history.push(e);
      if (history.length > max) history.shift();
      for (const l of [...listeners]) l(e);
      return e;
    },
    on(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    subscribe(opts = {}) {
      const queue: EngineEvent[] = [];
      let notify: (() => void) | undefined;
      let closed = false;
      const filter = opts.filter ?? (() => true);
      if (opts.sinceNs !== undefined) for (const e of history) if (e.timeNs >= opts.sinceNs && filter(e)) queue.push(e);
      const listener = (e: EngineEvent) => {
        if (!filter(e)) return;
        queue.push(e);
        notify?.();
      };
      listeners.add(listener);
      const close = () => {
        closed = true;
        listeners.delete(listener);
        notify?.();
      };
      opts.signal?.addEventListener("abort", close, { once: true });
      return {
        close,
        async *[Symbol.asyncIterator]() {
          try {
            for (;;) {
              while (queue.length > 0) yield queue.shift()!;
              if (closed) return;
              await new Promise<void>((r) => (notify = r));
              notify = undefined;
            }
          } finally {
            close();
          }
        },
      };
    },
  };
}
