import { nextRestartDelay } from "./restart-policy.ts";

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

// Unref'd: a pending restart never keeps the engine's process alive.
const nodeTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * The pending restarts of the restart policy, one per container, and each container's backoff
 * (restart-policy.ts). Scheduling replaces a pending restart; cancel and cancelAll drop them.
 */
export class RestartScheduler {
  private readonly pending = new Map<string, unknown>();
  private readonly delays = new Map<string, number>();

  constructor(private readonly timers: Timers = nodeTimers) {}

  /** The delay before restarting `id` after a run of `ranForMs`, remembered for its next exit. */
  nextDelay(id: string, ranForMs: number): number {
    const wait = nextRestartDelay(this.delays.get(id) ?? 0, ranForMs);
    this.delays.set(id, wait);
    return wait;
  }

  schedule(id: string, ms: number, restart: () => void): void {
    this.cancel(id);
    const handle = this.timers.set(() => {
      this.pending.delete(id);
      restart();
    }, ms);
    this.pending.set(id, handle);
  }

  isPending(id: string): boolean {
    return this.pending.has(id);
  }

  cancel(id: string): void {
    const handle = this.pending.get(id);
    if (handle !== undefined) this.timers.clear(handle);
    this.pending.delete(id);
  }

  /** A removed container: nothing pending, no backoff kept. */
  forget(id: string): void {
    this.cancel(id);
    this.delays.delete(id);
  }

  cancelAll(): void {
    for (const id of [...this.pending.keys()]) this.cancel(id);
  }
}
