import { TstackError, type ErrorKind } from "../../common/errors.ts";

// Docker's error responses carry an HTTP status and {"message": …}; the transport surfaces them
// as an EngineHttpError with `statusCode` and `json`. Transport failures carry a Node errno `code`.

const STATUS_KINDS: Readonly<Record<number, ErrorKind>> = {
  400: "InvalidArgument",
  401: "PermissionDenied",
  403: "PermissionDenied",
  404: "NotFound",
  409: "Conflict",
  500: "Internal",
  501: "Unimplemented",
  503: "Unavailable",
};

const TRANSPORT_KINDS: Readonly<Record<string, ErrorKind>> = {
  ECONNREFUSED: "Unavailable",
  ENOENT: "Unavailable", // no socket file: the engine is not running
  ECONNRESET: "Unavailable",
  EPIPE: "Unavailable",
  ETIMEDOUT: "Unavailable",
  EACCES: "PermissionDenied",
  EPERM: "PermissionDenied",
};

interface EngineErrorLike {
  statusCode?: unknown;
  json?: unknown;
  reason?: unknown;
  code?: unknown;
  message?: unknown;
  name?: unknown;
}

/** The engine's own message, without the "(HTTP code 404) " prefix of the error's own message. */
export function engineMessage(err: unknown): string {
  const e = (err ?? {}) as EngineErrorLike;
  let json = e.json as { message?: unknown } | string | undefined | null;
  if (Buffer.isBuffer(json)) json = json.toString("utf8");
  if (json !== null && typeof json === "object" && typeof json.message === "string") return json.message;
  if (typeof json === "string" && json.trim() !== "") return json.trim();
  return typeof e.message === "string" ? e.message : String(err);
}

export function isAbortError(err: unknown): boolean {
  return (err as EngineErrorLike | null)?.name === "AbortError";
}

/** Translates an engine/transport error to a TstackError naming what was attempted; aborts pass through unchanged. */
export function toEngineError(err: unknown, what: string): unknown {
  if (err instanceof TstackError || isAbortError(err)) return err;
  const e = (err ?? {}) as EngineErrorLike;
  let kind: ErrorKind = "Internal";
  if (typeof e.statusCode === "number") kind = STATUS_KINDS[e.statusCode] ?? (e.statusCode >= 500 ? "Internal" : "InvalidArgument");
  else if (typeof e.code === "string") kind = TRANSPORT_KINDS[e.code] ?? "Unavailable";
  return new TstackError(kind, `${what}: ${engineMessage(err)}`, { cause: err });
}
