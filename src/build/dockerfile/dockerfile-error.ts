import { invalidArgument, type TstackError } from "../../common/errors.ts";

// Every error and warning of the builder's front end names the Dockerfile (or ignore file) and
// line it is about, as `FILE:LINE: what is wrong`, so a user can jump to it.

/** Where an instruction came from: 1-based first and last physical line (continuations, heredocs). */
export interface SourceLines {
  readonly line: number;
  readonly endLine: number;
}

/** Something accepted but worth telling the user (deprecated syntax, an unused build arg). */
export interface BuildWarning {
  readonly file: string;
  /** 0 when the warning is about the whole build (e.g. an unused --build-arg). */
  readonly line: number;
  readonly message: string;
}

/** `line` 0: about the file as a whole (e.g. an unknown --target). */
export function fileError(file: string, line: number, message: string, cause?: unknown): TstackError {
  return invalidArgument(line > 0 ? `${file}:${line}: ${message}` : `${file}: ${message}`, cause);
}

export function formatWarning(w: BuildWarning): string {
  return w.line > 0 ? `${w.file}:${w.line}: ${w.message}` : `${w.file}: ${w.message}`;
}
