// The few error kinds of tstack. Edges map them to exit codes (CLI) and HTTP statuses (API);
// the core only throws them, keeping the underlying error as `cause`.
export type ErrorKind =
  | "NotFound"
  | "Conflict"
  | "InvalidArgument"
  | "FailedPrecondition"
  | "Unavailable"
  | "PermissionDenied"
  | "Unimplemented"
  | "DataLoss"
  | "Internal";

export class TstackError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = `${kind}Error`;
  }
}

export const notFound = (msg: string, cause?: unknown) => new TstackError("NotFound", msg, { cause });
export const conflict = (msg: string, cause?: unknown) => new TstackError("Conflict", msg, { cause });
export const invalidArgument = (msg: string, cause?: unknown) => new TstackError("InvalidArgument", msg, { cause });
export const failedPrecondition = (msg: string, cause?: unknown) =>
  new TstackError("FailedPrecondition", msg, { cause });
export const unavailable = (msg: string, cause?: unknown) => new TstackError("Unavailable", msg, { cause });
export const dataLoss = (msg: string, cause?: unknown) => new TstackError("DataLoss", msg, { cause });
export const unimplemented = (msg: string, cause?: unknown) => new TstackError("Unimplemented", msg, { cause });

export function isKind(err: unknown, kind: ErrorKind): err is TstackError {
  return err instanceof TstackError && err.kind === kind;
}

export function kindOf(err: unknown): ErrorKind {
  return err instanceof TstackError ? err.kind : "Internal";
}
