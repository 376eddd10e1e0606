import { TstackError, type ErrorKind } from "../common/errors.ts";

/**
 * Failure categories docker compose reports with their own exit codes (its metrics categories):
 * 14 no compose file, 15 invalid compose file, 16 command syntax, 17 build, 18 pull, 130 canceled.
 */
export type FailureCategory = "compose-file-not-found" | "compose-invalid" | "usage" | "build" | "pull" | "canceled";

/** A TstackError tagged with the category that decides the exit code; keeps the original kind and cause. */
export class CategorizedError extends TstackError {
  readonly category: FailureCategory;
  constructor(category: FailureCategory, kind: ErrorKind, message: string, cause?: unknown) {
    super(kind, message, { cause });
    this.category = category;
    this.name = "CategorizedError";
  }
}

/** Wraps `err` (keeping its message and kind) so that it exits with the category's code. */
export function categorize(category: FailureCategory, err: unknown): CategorizedError {
  if (err instanceof CategorizedError) return err;
  const kind: ErrorKind = err instanceof TstackError ? err.kind : "Internal";
  return new CategorizedError(category, kind, messageOf(err), err);
}

/** A command's own non-zero result that is not an error (a failed container's exit code, ...). */
export class ExitStatus extends Error {
  readonly code: number;
  constructor(code: number, message = "") {
    super(message);
    this.code = code;
    this.name = "ExitStatus";
  }
}

const CATEGORY_CODES: Readonly<Record<FailureCategory, number>> = {
  "compose-file-not-found": 14,
  "compose-invalid": 15,
  usage: 16,
  build: 17,
  pull: 18,
  canceled: 130,
};

/** The process exit code for an error, following docker compose: 1 unless a category says otherwise. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof ExitStatus) return err.code;
  if (err instanceof CategorizedError) return CATEGORY_CODES[err.category];
  if (isAbort(err)) return 130;
  return 1;
}

export function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === "AbortError" || (err as { code?: unknown }).code === "ABORT_ERR");
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The lines printed for an error: one `tstack: <message>` line; with `debug`, the kind and the
 * cause chain (with stacks) below it. Loader and validator messages already carry file:line:col.
 */
export function formatError(err: unknown, debug: boolean): string[] {
  if (err instanceof ExitStatus) return err.message === "" ? [] : [`tstack: ${err.message}`];
  const lines = [`tstack: ${isAbort(err) ? "canceled" : messageOf(err)}`];
  if (!debug) return lines;
  let cur: unknown = err;
  let depth = 0;
  const seen = new Set<unknown>();
  while (cur !== undefined && cur !== null && !seen.has(cur) && depth < 10) {
    seen.add(cur);
    const kind = cur instanceof TstackError ? ` [${cur.kind}]` : "";
    const head = depth === 0 ? `error${kind}` : `caused by${kind}: ${messageOf(cur)}`;
    lines.push(head);
    if (cur instanceof Error && cur.stack) lines.push(...cur.stack.split("\n").slice(1).map((l) => `  ${l.trim()}`));
    cur = cur instanceof Error ? cur.cause : undefined;
    depth++;
  }
  return lines;
}
