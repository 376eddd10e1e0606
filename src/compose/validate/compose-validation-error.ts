import { TstackError } from "../../common/errors.ts";
import { formatPath, type LoadedTreeLike, type TreePath } from "./input.ts";

/** An invalid compose file: kind InvalidArgument, message "file:line:col: path: msg". */
export class ComposeValidationError extends TstackError {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly path: string;
  /** The message without location prefix. */
  readonly detail: string;

  constructor(
    where: { file?: string; line?: number; column?: number; path: string },
    detail: string,
    cause?: unknown,
  ) {
    super("InvalidArgument", composeMessage(where, detail), { cause });
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.path = where.path;
    this.detail = detail;
  }
}

function composeMessage(where: { file?: string; line?: number; column?: number; path: string }, detail: string) {
  const loc =
    where.file !== undefined
      ? where.line !== undefined
        ? `${where.file}:${where.line}:${where.column ?? 1}: `
        : `${where.file}: `
      : "";
  const path = where.path === "" ? "" : `${where.path}: `;
  return `${loc}${path}${detail}`;
}

// Builds the error for a tree path, looking up its position (or its nearest known ancestor's).
export function errorAt(input: LoadedTreeLike, path: TreePath, detail: string, cause?: unknown) {
  const pos = nearestPosition(input, path);
  const where: { file?: string; line?: number; column?: number; path: string } = { path: formatPath(path) };
  if (pos) {
    where.file = pos.file;
    where.line = pos.line;
    where.column = pos.column;
  } else if (input.configFiles[0] !== undefined) {
    where.file = input.configFiles[0];
  }
  return new ComposeValidationError(where, detail, cause);
}

function nearestPosition(input: LoadedTreeLike, path: TreePath) {
  for (let n = path.length; n >= 0; n--) {
    const pos = input.positionOf(path.slice(0, n));
    if (pos) return pos;
  }
  return undefined;
}
