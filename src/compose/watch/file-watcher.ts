import type { FileChange } from "./batcher.ts";

export interface WatchRequest {
  /** Absolute paths: directories watched with what is below them, or single files. */
  readonly roots: readonly string[];
  /** Whether a directory below a root is worth watching; one that is not is never read nor watched. */
  watchesDir(dir: string): boolean;
  /** Every change below the roots, as it happens (unfiltered but for unwatched directories). */
  onChange(change: FileChange): void;
  /** A problem that does not stop the watch (a directory that could not be watched). */
  onError(err: Error): void;
}

/**
 * The host file system's change notifications. Lifecycle: `watch` resolves once every watched
 * directory is watched (changes from then on are reported); the handle's `close` stops it.
 * A directory that appears later is watched as it appears, and reported as written together
 * with everything it already holds (files can land in it before it is watched).
 */
export interface FileWatcher {
  watch(request: WatchRequest): Promise<WatchHandle>;
}

export interface WatchHandle extends AsyncDisposable {
  close(): Promise<void>;
}
