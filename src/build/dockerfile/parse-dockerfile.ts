import type { Directives } from "./directives.ts";
import { fileError, type BuildWarning } from "./dockerfile-error.ts";
import type { ArgInstruction, FromInstruction, Instruction } from "./instruction.ts";
import { LineError, readLogicalLines } from "./logical-lines.ts";
import { parseInstruction } from "./parse-instruction.ts";

// A Dockerfile's text → its directives, the global ARGs before the first FROM, and its stages.
// Syntax errors anywhere fail the whole file (as in BuildKit), whatever --target is chosen.

export interface Stage {
  /** Position among the stages, from 0 (what `COPY --from=0` means). */
  readonly index: number;
  /** The `AS` name, lower-cased; absent for an unnamed stage. */
  readonly name?: string;
  readonly from: FromInstruction;
  /** The instructions after FROM, in order. */
  readonly instructions: readonly Exclude<Instruction, FromInstruction>[];
}

export interface Dockerfile {
  /** How errors and warnings name the file (e.g. "Dockerfile", "docker/app.Dockerfile"). */
  readonly file: string;
  readonly directives: Directives;
  /** ARG instructions before the first FROM: usable in FROM lines only, unless re-declared. */
  readonly metaArgs: readonly ArgInstruction[];
  readonly stages: readonly Stage[];
  readonly warnings: readonly BuildWarning[];
}

export interface ParseOptions {
  /** The name used in messages; default "Dockerfile". */
  readonly file?: string;
}

export function parseDockerfile(text: string, options: ParseOptions = {}): Dockerfile {
  const file = options.file ?? "Dockerfile";
  let read;
  try {
    read = readLogicalLines(text);
  } catch (err) {
    if (err instanceof LineError) throw fileError(file, err.line, err.message, err);
    throw err;
  }
  const warnings: BuildWarning[] = [];
  const ctx = { file, escape: read.directives.escape, warn: (w: BuildWarning) => warnings.push(w) };
  const { syntax, check } = read.directives;
  if (syntax !== undefined && !/^(docker\.io\/)?docker\/dockerfile(:[\w.-]+)?(@sha256:[0-9a-f]+)?$/.test(syntax))
    warnings.push({ file, line: 1, message: `syntax=${syntax} is not used: tstack parses the standard Dockerfile syntax itself` });
  if (check !== undefined) warnings.push({ file, line: 1, message: "check= is not used: tstack does not run build checks" });
  const metaArgs: ArgInstruction[] = [];
  const stages: { index: number; name?: string; from: FromInstruction; instructions: Stage["instructions"][number][] }[] = [];
  const names = new Map<string, number>();
  for (const line of read.lines) {
    if (line.emptyContinuation)
      warnings.push({ file, line: line.line, message: "empty continuation line (it will become an error in a future Docker release)" });
    const ins = parseInstruction(line, ctx);
    if (ins.kind === "from") {
      if (ins.stageName !== undefined) {
        const first = names.get(ins.stageName);
        if (first !== undefined) throw fileError(file, ins.line, `duplicate stage name "${ins.stageName}" (first at ${file}:${first})`);
        names.set(ins.stageName, ins.line);
      }
      stages.push({ index: stages.length, ...(ins.stageName === undefined ? {} : { name: ins.stageName }), from: ins, instructions: [] });
    } else if (stages.length > 0) stages.at(-1)?.instructions.push(ins);
    else if (ins.kind === "arg") metaArgs.push(ins);
    else throw fileError(file, ins.line, `${ins.kind.toUpperCase()} before the first FROM: only ARG may come before FROM`);
  }
  if (stages.length === 0) throw fileError(file, read.lines.at(-1)?.line ?? 1, "the Dockerfile has no FROM instruction (no build stage)");
  return { file, directives: read.directives, metaArgs, stages, warnings };
}
