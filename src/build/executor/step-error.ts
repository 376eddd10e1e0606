import { kindOf, TstackError, type ErrorKind } from "../../common/errors.ts";
import type { PlannedStep } from "../expand/step.ts";

// A build that fails names the Dockerfile line, the instruction and why, as `FILE:LINE: ...`:
// a RUN that exits non-zero also gives the process, its exit code and the last lines it printed
// (BuildKit's wording: `process "/bin/sh -c make" did not complete successfully: exit code: 2`).
// The kind is the cause's (a missing image stays NotFound); a failed RUN is FailedPrecondition.

const TAIL_LINES = 20;

export class BuildStepError extends TstackError {
  readonly file: string;
  readonly line: number;
  readonly instruction: string;
  /** A RUN that exited non-zero: its exit code and the last lines of its output. */
  readonly exitCode?: number;
  readonly outputTail?: string;

  constructor(
    kind: ErrorKind,
    where: { readonly file: string; readonly step: PlannedStep },
    message: string,
    extra: { readonly cause?: unknown; readonly exitCode?: number; readonly outputTail?: string } = {},
  ) {
    super(kind, `${where.file}:${where.step.line}: ${where.step.original}: ${message}`, { cause: extra.cause });
    this.file = where.file;
    this.line = where.step.line;
    this.instruction = where.step.original;
    if (extra.exitCode !== undefined) this.exitCode = extra.exitCode;
    if (extra.outputTail !== undefined) this.outputTail = extra.outputTail;
  }
}

export function runFailed(file: string, step: PlannedStep, argv: readonly string[], exitCode: number, outputTail: string): BuildStepError {
  const lines = outputTail.replace(/\r/g, "").split("\n");
  while (lines.length > 0 && lines.at(-1) === "") lines.pop();
  const tail = lines.slice(-TAIL_LINES);
  const shown = tail.length === 0 ? "" : `\n${tail.map((l) => `  | ${l}`).join("\n")}`;
  return new BuildStepError(
    "FailedPrecondition",
    { file, step },
    `process ${JSON.stringify(argv.join(" "))} did not complete successfully: exit code: ${exitCode}${shown}`,
    { exitCode, outputTail: tail.join("\n") },
  );
}

/** Any other failure of a step (a port's error, a missing source), located; kept as is when it already is. */
export function stepFailed(file: string, step: PlannedStep, cause: unknown): BuildStepError {
  if (cause instanceof BuildStepError) return cause;
  return new BuildStepError(kindOf(cause), { file, step }, cause instanceof Error ? cause.message : String(cause), { cause });
}
