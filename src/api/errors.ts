import { kindOf, TstackError, type ErrorKind } from "../common/errors.ts";

// The one table from tstack's error kinds to HTTP statuses. Docker's clients decide on the
// status (404 → "not found", 409 → conflict, 304 → nothing to do), so the mapping matters
// as much as the message.
const STATUS: Readonly<Record<ErrorKind, number>> = {
  NotFound: 404,
  Conflict: 409,
  InvalidArgument: 400,
  FailedPrecondition: 409,
  Unavailable: 503,
  PermissionDenied: 403,
  Unimplemented: 501,
  DataLoss: 500,
  Internal: 500,
};

export function statusOf(kind: ErrorKind): number {
  return STATUS[kind];
}

export interface ErrorReply {
  readonly status: number;
  readonly body: { readonly message: string };
}

/** Docker's error body: `{"message": …}`; unknown errors are 500 with their message. */
export function errorReply(err: unknown): ErrorReply {
  const kind = kindOf(err);
  const message = err instanceof Error ? err.message : String(err);
  return { status: statusOf(kind), body: { message: message || kind } };
}

/** An error of the API layer itself (not the engine's), with an exact HTTP status. */
export class HttpError extends TstackError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(status === 404 ? "NotFound" : status === 501 ? "Unimplemented" : "InvalidArgument", message);
  }
}

export function replyFor(err: unknown): ErrorReply {
  if (err instanceof HttpError) return { status: err.status, body: { message: err.message } };
  return errorReply(err);
}
