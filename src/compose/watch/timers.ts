/** The clock and timers the watch runs on: real ones in the CLI, a fake in tests (testing.ts). */
export interface Timers {
  /** Milliseconds, as Date.now. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};
