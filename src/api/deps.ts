import type { Engine } from "../runtime/engine.ts";

export type ApiLog = (level: "debug" | "info" | "warn" | "error", msg: string) => void;

/** What handlers are given: the engine and the seams they would otherwise reach for. */
export interface ApiDeps {
  readonly engine: Engine;
  readonly now: () => Date;
  readonly log: ApiLog;
  /** /proc/stat's text, for the host CPU time Docker's stats report as system_cpu_usage. */
  readonly readProcStat: () => Promise<string>;
}
