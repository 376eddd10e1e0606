import { TstackError, type ErrorKind } from "../../common/errors.ts";

export interface OciError {
  readonly code: string;
  readonly message: string;
}

/** Parses the OCI distribution error body `{"errors":[{"code","message","detail"}]}`; [] if it is not one. */
export function parseOciErrors(body: string): OciError[] {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== "object" || parsed === null) return [];
    const errors = (parsed as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) return [];
    return errors
      .filter((e): e is Record<string, unknown> => typeof e === "object" && e !== null)
      .map((e) => ({
        code: typeof e["code"] === "string" ? e["code"] : "UNKNOWN",
        message: typeof e["message"] === "string" ? e["message"] : "",
      }));
  } catch {
    return [];
  }
}

const CODE_KIND: Readonly<Record<string, ErrorKind>> = {
  MANIFEST_UNKNOWN: "NotFound",
  BLOB_UNKNOWN: "NotFound",
  NAME_UNKNOWN: "NotFound",
  BLOB_UPLOAD_UNKNOWN: "NotFound",
  UNAUTHORIZED: "PermissionDenied",
  DENIED: "PermissionDenied",
  TOOMANYREQUESTS: "Unavailable",
  UNSUPPORTED: "Unimplemented",
  DIGEST_INVALID: "DataLoss",
  SIZE_INVALID: "DataLoss",
  MANIFEST_INVALID: "InvalidArgument",
  MANIFEST_BLOB_UNKNOWN: "FailedPrecondition",
  NAME_INVALID: "InvalidArgument",
  TAG_INVALID: "InvalidArgument",
  BLOB_UPLOAD_INVALID: "InvalidArgument",
};

function kindForStatus(status: number): ErrorKind {
  if (status === 404) return "NotFound";
  if (status === 401 || status === 403) return "PermissionDenied";
  if (status === 429 || status >= 500) return "Unavailable";
  if (status === 405 || status === 501) return "Unimplemented";
  if (status === 409) return "Conflict";
  if (status >= 400) return "InvalidArgument";
  return "Internal";
}

/** What a request was doing, for messages: `pull manifest for localhost:5000/x:y`. */
export interface ErrorContext {
  readonly action: string;
  /** Message for a 404, e.g. `manifest for localhost:5000/x:y not found`. */
  readonly notFound?: string;
  /** Whether the refused request carried credentials (a 401 then means they were rejected). */
  readonly authSent?: boolean;
}

/**
 * Maps a registry HTTP failure to a TstackError. The status decides the kind, except that
 * a registry error code is more precise for 4xx (e.g. DIGEST_INVALID → DataLoss); the
 * registry's own messages are kept.
 */
export function registryError(status: number, body: string, ctx: ErrorContext): TstackError {
  const errors = parseOciErrors(body);
  const first = errors[0];
  let kind = kindForStatus(status);
  if (first !== undefined && status < 500) kind = CODE_KIND[first.code] ?? kind;
  const detail =
    errors.length > 0
      ? errors.map((e) => e.message || e.code.toLowerCase().replaceAll("_", " ")).join("; ")
      : body.trim().slice(0, 200) || `HTTP ${status}`;
  let message: string;
  switch (kind) {
    case "NotFound":
      message = `${ctx.notFound ?? `${ctx.action}: not found`}: ${detail}`;
      break;
    case "PermissionDenied": {
      const what = status !== 401 ? "access denied" : ctx.authSent ? "credentials rejected" : "authentication required";
      message = detail === what ? `${ctx.action}: ${what}` : `${ctx.action}: ${what}: ${detail}`;
      break;
    }
    case "Unavailable":
      message = `${ctx.action}: registry unavailable (HTTP ${status}): ${detail}`;
      break;
    default:
      message = `${ctx.action}: HTTP ${status}: ${detail}`;
  }
  return new TstackError(kind, message);
}

/** Whether a failed status is worth retrying after a pause. */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status !== 501 && status !== 505);
}

function causeChain(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    parts.push(typeof code === "string" && !e.message.includes(code) ? `${e.message} (${code})` : e.message);
    e = e.cause;
  }
  return parts.join(": ") || String(err);
}

/** A connection-level failure (refused, reset, DNS, TLS) as Unavailable, cause kept. */
export function networkError(err: unknown, host: string, action: string): TstackError {
  return new TstackError("Unavailable", `${action}: cannot reach registry ${host}: ${causeChain(err)}`, { cause: err });
}

export function isAbort(err: unknown, signal: AbortSignal | undefined): boolean {
  return (signal?.aborted ?? false) || (err instanceof Error && err.name === "AbortError");
}
