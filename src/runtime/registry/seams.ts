import type { Http1RequestOptions, Http1Response } from "../../common/http1/http1-request.ts";

// Seams of the registry client: time and logging come from the caller so tests drive them.

export interface Clock {
  now(): number; // milliseconds since the epoch
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface RegistryLogger {
  debug(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(msg: string, fields?: Readonly<Record<string, unknown>>): void;
}

export type FetchFn = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** A streamed HTTP/1.1 GET (common/http1): what blob downloads use instead of fetch. */
export type Http1GetFn = (url: string | URL, opts?: Http1RequestOptions) => Promise<Http1Response>;

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

export const silentLogger: RegistryLogger = { debug: () => {}, warn: () => {} };

/** Progress of one blob moving between the registry and the caller. */
export interface BlobProgress {
  readonly kind: "blob";
  readonly phase: "download" | "upload";
  readonly digest: string;
  readonly current: number;
  readonly total: number;
}

export type ProgressListener = (e: BlobProgress) => void;
