import { TstackError } from "../../common/errors.ts";

// Where in the user's files something is; line and column are 1-based.
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export type TreePath = readonly (string | number)[];

export interface ErrorLocation {
  readonly file?: string | undefined;
  readonly line?: number | undefined;
  readonly column?: number | undefined;
  readonly path?: TreePath | undefined;
}

// "services.web.ports[0]": the notation compose users see in compose's own messages.
export function formatPath(path: TreePath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

// A problem in the user's compose files or .env files. The message leads with the location so a
// CLI can print it as one line: "compose.yaml:3:5: services.web.image: required variable ...".
export class ComposeLoadError extends TstackError {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly path: string | undefined;
  readonly detail: string;

  constructor(detail: string, where: ErrorLocation = {}, options?: { cause?: unknown }) {
    const path = where.path !== undefined && where.path.length > 0 ? formatPath(where.path) : undefined;
    let prefix = "";
    if (where.file !== undefined) {
      prefix = where.file;
      if (where.line !== undefined) prefix += `:${where.line}`;
      if (where.line !== undefined && where.column !== undefined) prefix += `:${where.column}`;
      prefix += ": ";
    }
    super("InvalidArgument", `${prefix}${path !== undefined ? `${path}: ` : ""}${detail}`, options);
    this.name = "ComposeLoadError";
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.path = path;
    this.detail = detail;
  }
}

export function loadError(
  detail: string,
  pos: SourcePosition | undefined,
  path?: TreePath,
  cause?: unknown,
): ComposeLoadError {
  return new ComposeLoadError(detail, { ...pos, path }, { cause });
}
