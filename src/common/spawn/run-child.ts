import { spawn } from "node:child_process";
import { constants } from "node:os";
import { SpawnFailure } from "./process-runner.ts";
import type { SpawnRequest, SpawnResult } from "./spawn-protocol.ts";

const DEFAULT_MAX_BUFFER = 64 * 1024 * 1024;

/**
 * Runs one program to completion with node:child_process, collecting its output: the body of a
 * spawn worker, and usable directly. Rejects with SpawnFailure only when the program cannot run
 * or floods its output; any exit is a result.
 */
export function runChild(req: SpawnRequest, signal?: AbortSignal): Promise<SpawnResult> {
  return new Promise((resolve, reject) => {
    const max = req.maxBuffer ?? DEFAULT_MAX_BUFFER;
    let child;
    try {
      child = spawn(req.file, [...req.args], {
        stdio: ["pipe", "pipe", "pipe"],
        ...(req.env !== undefined ? { env: { ...req.env } } : {}),
        ...(req.cwd !== undefined ? { cwd: req.cwd } : {}),
        ...(signal !== undefined ? { signal, killSignal: "SIGKILL" as const } : {}),
      });
    } catch (err) {
      reject(new SpawnFailure(`${req.file}: ${(err as Error).message}`, (err as NodeJS.ErrnoException).code));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const sizes = [0, 0];
    let failed: SpawnFailure | undefined;
    const collect = (into: Buffer[], i: 0 | 1) => (chunk: Buffer) => {
      sizes[i]! += chunk.length;
      if (sizes[i]! > max) {
        failed ??= new SpawnFailure(`${req.file}: more than ${max} bytes of output`, "ENOBUFS");
        child.kill("SIGKILL");
        return;
      }
      into.push(chunk);
    };
    child.stdout.on("data", collect(out, 0));
    child.stderr.on("data", req.mergeOutput === true ? collect(out, 0) : collect(err, 1));
    child.stdin.on("error", () => undefined); // a program that exits without reading its input
    child.stdin.end(req.input ?? "");
    child.on("error", (e: NodeJS.ErrnoException) => {
      if (e.name === "AbortError") return; // reported through the close below
      failed ??= new SpawnFailure(`${req.file}: ${e.message}`, e.code);
    });
    child.on("close", (code, sig) => {
      if (failed) return reject(failed);
      if (code === null && sig === null) return reject(new SpawnFailure(`${req.file} could not be started`));
      const signalNumber = sig !== null ? (constants.signals as Record<string, number>)[sig] ?? 0 : 0;
      resolve({
        exitCode: code ?? 128 + signalNumber,
        ...(sig !== null ? { signal: sig } : {}),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
  });
}
