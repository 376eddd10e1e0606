import { toEngineError } from "./engine-errors.ts";
import { EngineHttpError, type EngineHttp, type EngineRequest } from "./engine-http.ts";
import type { LabelFilter } from "./engine-client.ts";

/** The helpers every part of the HTTP engine client calls through. */
export interface EngineCalls {
  readonly http: EngineHttp;
  /** Runs one engine call, translating its failure to a TstackError that says what was tried. */
  call<T>(what: string, req: EngineRequest): Promise<T>;
  /** Docker answers 304 to starting a running or stopping a stopped container; the goal state holds. */
  goalHolds(what: string, req: EngineRequest): Promise<void>;
}

export function engineCalls(http: EngineHttp): EngineCalls {
  return {
    http,
    async call<T>(what: string, req: EngineRequest): Promise<T> {
      try {
        return await http.json<T>(req);
      } catch (err) {
        throw toEngineError(err, what);
      }
    },
    async goalHolds(what: string, req: EngineRequest): Promise<void> {
      try {
        await http.json(req);
      } catch (err) {
        if (!(err instanceof EngineHttpError && err.statusCode === 304)) throw toEngineError(err, what);
      }
    },
  };
}

/** A path segment. */
export const seg = encodeURIComponent;

/** Docker's `filters` query parameter for a label filter (plus any other filters). */
export function filtersOf(f: LabelFilter, more: Readonly<Record<string, readonly string[]>> = {}): string {
  return JSON.stringify({ label: [...f.labels], ...more });
}

export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
export const labelsOf = (v: unknown): Record<string, string> => (v !== null && typeof v === "object" ? (v as Record<string, string>) : {});
