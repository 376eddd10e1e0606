import type { EngineClient, ExecCreateBody } from "../engine-client/index.ts";

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs a command in a container without a TTY or stdin and collects its output and exit code. */
export async function execCollect(client: EngineClient, container: string, body: Omit<ExecCreateBody, "AttachStdin" | "AttachStdout" | "AttachStderr" | "Tty">, signal: AbortSignal): Promise<ExecResult> {
  const { id } = await client.createExec(container, { ...body, AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false }, { signal });
  const session = await client.startExec(id, { tty: false, signal });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  try {
    for await (const chunk of session.output) (chunk.stream === "stdout" ? out : err).push(chunk.data);
  } finally {
    session.close();
  }
  const { exitCode } = await client.inspectExec(id, { signal });
  return { exitCode: exitCode ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8").trim() };
}

/** The exit codes of a command the container could not run: not executable (126), not found (127). */
export function commandMissing(r: ExecResult): boolean {
  return r.exitCode === 126 || r.exitCode === 127;
}

/** One line about a failed exec: its exit code and the last line it printed on stderr. */
export function execFailure(what: string, r: ExecResult): string {
  const last = r.stderr.split("\n").at(-1)?.trim();
  return `${what} exited with ${r.exitCode}${last ? `: ${last}` : ""}`;
}

/** Paths split into command lines of at most `maxBytes` of arguments (ARG_MAX is far larger; exec bodies stay small). Pure. */
export function argumentChunks(paths: readonly string[], maxBytes = 64 * 1024): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const p of paths) {
    const n = Buffer.byteLength(p) + 1;
    if (current.length > 0 && size + n > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(p);
    size += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
