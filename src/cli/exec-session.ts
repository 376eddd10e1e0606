import type { Duplex } from "node:stream";
import type { CliIo } from "./io.ts";
import { FrameDemuxer } from "./logs/frames.ts";

export interface SessionOptions {
  readonly tty: boolean;
  readonly stdin: boolean;
}

/**
 * Connects the terminal to a hijacked exec/attach stream: raw mode and resize when a TTY,
 * stdcopy demultiplexing otherwise. Resolves when the remote side ends the stream.
 */
export async function pipeSession(io: CliIo, stream: Duplex, o: SessionOptions, resize?: (h: number, w: number) => Promise<unknown>): Promise<void> {
  const raw = o.tty && io.stdin.isTTY === true && typeof io.stdin.setRawMode === "function";
  const stdout = io.stdout as NodeJS.WritableStream & { rows?: number; columns?: number; on?: (e: string, f: () => void) => unknown; off?: (e: string, f: () => void) => unknown };
  const onResize = () => {
    if (resize && stdout.rows !== undefined && stdout.columns !== undefined) resize(stdout.rows, stdout.columns).catch(() => {});
  };
  if (raw) io.stdin.setRawMode?.(true);
  if (o.tty) {
    onResize();
    stdout.on?.("resize", onResize);
  }
  const demux = new FrameDemuxer();
  stream.on("data", (chunk: Buffer) => {
    if (o.tty) io.stdout.write(chunk);
    else for (const f of demux.push(chunk)) (f.stream === "stderr" ? io.stderr : io.stdout).write(f.data);
  });
  if (o.stdin) {
    io.stdin.on("data", (d) => stream.write(d));
    // End of our input half-closes the connection so the process sees EOF.
    io.stdin.on("end", () => stream.end());
    io.stdin.resume();
  }
  try {
    await new Promise<void>((resolve, reject) => {
      stream.on("end", resolve);
      stream.on("close", resolve);
      stream.on("error", reject);
    });
  } finally {
    if (raw) io.stdin.setRawMode?.(false);
    stdout.off?.("resize", onResize);
    io.stdin.pause();
  }
}

