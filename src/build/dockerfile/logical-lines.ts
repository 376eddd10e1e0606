import { applyDirective, readDirectiveLine, type Directives } from "./directives.ts";
import type { SourceLines } from "./dockerfile-error.ts";
import { heredocMarkers, isHeredocEnd, type Heredoc } from "./heredoc.ts";

// Physical lines → logical instruction lines, as BuildKit's parser reads them: parser directives
// at the top; comment lines (first non-blank character `#`) dropped, also between continued lines;
// a line ending in the escape character (trailing blanks allowed) continues on the next, joined
// without a separator; blank lines inside a continuation skipped (with a warning, as BuildKit);
// heredoc bodies read after the line that opens them.

export interface LogicalLine extends SourceLines {
  /** The instruction text, continuation characters removed, leading whitespace trimmed. */
  readonly text: string;
  readonly heredocs: readonly Heredoc[];
  /** A blank line was skipped inside this instruction's continuation. */
  readonly emptyContinuation: boolean;
}

export interface ReadLines {
  readonly directives: Directives;
  readonly lines: readonly LogicalLine[];
}

/** A failure at a physical line (1-based); the caller names the file. */
export class LineError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = "LineError";
  }
}

export function readLogicalLines(text: string): ReadLines {
  const physical = text.replace(/^\uFEFF/, "").split("\n").map((l) => l.replace(/\r$/, ""));
  if (physical.at(-1) === "") physical.pop();
  let directives: Directives = { escape: "\\" };
  const seen = new Set<string>();
  let readingDirectives = true;
  let continuation = continuationOf(directives.escape);
  const out: LogicalLine[] = [];
  let i = 0;
  const isComment = (l: string) => /^[ \t]*#/.test(l);

  while (i < physical.length) {
    const raw = physical[i] ?? "";
    const start = ++i;
    if (readingDirectives) {
      const d = readDirectiveLine(raw);
      if (d.kind === "directive") {
        try {
          directives = applyDirective(directives, seen, d);
          continuation = continuationOf(directives.escape);
        } catch (err) {
          throw new LineError(start, (err as Error).message);
        }
        continue;
      }
      readingDirectives = false;
    }
    if (isComment(raw)) continue;
    let line = raw.replace(/^[ \t\v\f\r]+/, "");
    let ended = !continuation.test(line);
    line = line.replace(continuation, "");
    if (ended && line === "") continue;
    let emptyContinuation = false;
    while (!ended && i < physical.length) {
      const next = physical[i++] ?? "";
      if (isComment(next)) continue;
      if (next.trim() === "") {
        emptyContinuation = true;
        continue;
      }
      ended = !continuation.test(next);
      line += next.replace(continuation, "");
    }
    const heredocs: Heredoc[] = [];
    for (const marker of heredocMarkers(line)) {
      let content = "";
      let terminated = false;
      while (i < physical.length) {
        const body = physical[i++] ?? "";
        if (isHeredocEnd(marker, body)) {
          terminated = true;
          break;
        }
        content += `${body}\n`;
      }
      if (!terminated) throw new LineError(start, `unterminated heredoc ${marker.name}`);
      heredocs.push({ ...marker, content });
    }
    out.push({ text: line, line: start, endLine: i, heredocs, emptyContinuation });
  }
  return { directives, lines: out };
}

// The escape character, then only blanks, at the end of a line.
function continuationOf(escape: string): RegExp {
  return escape === "`" ? /`[ \t]*$/ : /\\[ \t]*$/;
}
