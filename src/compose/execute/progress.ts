import type { PlanOpKind } from "../plan/index.ts";

/**
 * One progress step of an operation, for a renderer (TTY or plain lines). Every operation
 * emits "working" then "done" or "error"; "warning" reports a problem that did not fail the
 * run (an optional dependency that failed, an engine warning); "progress" carries pull progress.
 */
export interface ProgressEvent {
  readonly nodeId: number;
  /** What is acted on: a container, network, volume or image name, or a service for waits. */
  readonly resource: string;
  readonly action: PlanOpKind;
  readonly status: "working" | "progress" | "done" | "error" | "warning";
  readonly detail?: string;
}

export type ProgressSink = (event: ProgressEvent) => void;
