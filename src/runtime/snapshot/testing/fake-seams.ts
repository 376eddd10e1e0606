// In-memory stand-ins for the snapshot code's seams (test-only; left out of the build): a
// process runner that records calls and answers from a table, and a blob store in a Map.
import { createHash } from "node:crypto";
import type { BlobSink } from "../layer-blob.ts";
import type { ProcessRunner } from "../process-runner.ts";

export interface FakeRunner extends ProcessRunner {
  readonly calls: string[][];
}

/** Every program succeeds with `answers[file]` as its stdout (empty by default). */
export function fakeRunner(answers: Readonly<Record<string, string | Error>> = {}): FakeRunner {
  const calls: string[][] = [];
  return {
    calls,
    async run(file, args) {
      calls.push([file, ...args]);
      const answer = answers[file] ?? "";
      if (answer instanceof Error) throw answer;
      return { stdout: answer, stderr: "" };
    },
    pipe() {
      throw new Error("fakeRunner: pipe is not faked");
    },
  };
}

export interface MemoryBlobs extends BlobSink {
  readonly blobs: Map<string, Buffer>;
}

export function memoryBlobs(): MemoryBlobs {
  const blobs = new Map<string, Buffer>();
  return {
    blobs,
    async writeStream(source) {
      const parts: Buffer[] = [];
      for await (const chunk of source) parts.push(Buffer.from(chunk));
      const bytes = Buffer.concat(parts);
      const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
      blobs.set(digest, bytes);
      return { digest, size: bytes.length };
    },
  };
}
