import { readFile } from "node:fs/promises";
import { dataLoss } from "../../common/errors.ts";

// What tstack-shim records when the container's process ends (docs/shim.md, "Exit").
// exitCode is 128+signal for a killed process, as Docker reports it.
export interface ExitInfo {
  readonly exitCode: number;
  readonly signal: number | null;
  readonly exitedAt: string; // RFC3339Nano, UTC
  readonly pid: number;
}

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

export function parseExitInfo(text: string): ExitInfo {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw dataLoss(`exit record is not JSON: ${JSON.stringify(text.slice(0, 200))}`, err);
  }
  if (typeof v !== "object" || v === null) throw dataLoss("exit record is not an object");
  const r = v as Record<string, unknown>;
  if (!isInt(r.exitCode) || !(r.signal === null || isInt(r.signal)) || typeof r.exitedAt !== "string" || !isInt(r.pid)) {
    throw dataLoss(`malformed exit record: ${text.slice(0, 200)}`);
  }
  return { exitCode: r.exitCode, signal: r.signal, exitedAt: r.exitedAt, pid: r.pid };
}

export interface ReadExitFileDeps {
  readonly readFile: (path: string) => Promise<string>;
}

const defaultDeps: ReadExitFileDeps = { readFile: (p) => readFile(p, "utf8") };

// undefined while the process still runs (the shim renames the file into place only when complete).
export async function readExitFile(path: string, deps: ReadExitFileDeps = defaultDeps): Promise<ExitInfo | undefined> {
  let text: string;
  try {
    text = await deps.readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  return parseExitInfo(text);
}
