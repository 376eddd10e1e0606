// What a build tells a renderer (TTY or plain lines, or the API's JSON stream) while it runs.
// Every step emits "started", then "cached", "done" or "failed"; a RUN's output comes between.

export interface StepRef {
  readonly stage: number;
  /** The stage's AS name. */
  readonly stageName?: string;
  /** From 0, among the stage's steps (ONBUILD triggers first). */
  readonly step: number;
  readonly steps: number;
  readonly line: number;
  /** The instruction as written. */
  readonly instruction: string;
}

export type BuildProgressEvent =
  | (StepRef & { readonly type: "step"; readonly status: "started" | "cached" | "done" | "failed"; readonly detail?: string })
  | (StepRef & { readonly type: "output"; readonly chunk: string })
  /** Something that did not fail the build (a snapshot that could not be removed). */
  | { readonly type: "warning"; readonly message: string };

export type BuildProgressSink = (event: BuildProgressEvent) => void;
