import { connect as netConnect, type Socket } from "node:net";
import { unavailable } from "../../common/errors.ts";
import {
  FrameDecoder,
  encodeCloseStdin,
  encodeResize,
  encodeStdin,
  toShimMessage,
} from "./attach-protocol.ts";
import type { ExitInfo } from "./exit-file.ts";

export interface ShimOutput {
  readonly stream: "stdout" | "stderr";
  readonly data: Buffer;
}

// A connection to a running shim's attach socket. Output is live only (history is in the
// log file); it ends when the shim exits or the connection closes. `exit` resolves with the
// exit frame, or rejects (Unavailable) when the connection ends without one. stdin and resize
// are ignored by the shim when the container has no stdin / no TTY. Single consumer of output.
export interface ShimAttachment extends AsyncDisposable {
  readonly output: AsyncIterable<ShimOutput>;
  write(data: Uint8Array | string): boolean;
  closeStdin(): void;
  resize(rows: number, cols: number): void;
  readonly exit: Promise<ExitInfo>;
  close(): void;
}

export interface AttachShimDeps {
  readonly connect: (path: string) => Socket;
}

const defaultDeps: AttachShimDeps = { connect: (p) => netConnect(p) };

// Stop reading the socket when the consumer lags this far behind; the shim then buffers
// (and drops us past its own limit) instead of this process.
const HIGH_WATER = 256;
const LOW_WATER = 32;

export function attachShim(socketPath: string, deps: AttachShimDeps = defaultDeps): Promise<ShimAttachment> {
  return new Promise<ShimAttachment>((resolve, reject) => {
    const sock = deps.connect(socketPath);
    const onConnectError = (e: Error) => reject(unavailable(`cannot attach to shim at ${socketPath}`, e));
    sock.once("error", onConnectError);
    sock.once("connect", () => {
      sock.off("error", onConnectError);
      resolve(wrap(sock, socketPath));
    });
  });
}

function wrap(sock: Socket, socketPath: string): ShimAttachment {
  const decoder = new FrameDecoder();
  const queue: ShimOutput[] = [];
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  let resolveExit!: (e: ExitInfo) => void;
  let rejectExit!: (e: unknown) => void;
  let gotExit = false;
  const exit = new Promise<ExitInfo>((res, rej) => {
    resolveExit = res;
    rejectExit = rej;
  });
  // Callers that only read output must not see an unhandled rejection.
  exit.catch(() => undefined);

  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const finish = (err?: unknown) => {
    if (ended) return;
    ended = true;
    if (err !== undefined) failure = err;
    if (!gotExit) rejectExit(unavailable(`shim at ${socketPath} went away without an exit status`, err));
    notify();
  };

  sock.on("data", (chunk: Buffer) => {
    let frames;
    try {
      frames = decoder.push(chunk);
    } catch (e) {
      sock.destroy();
      finish(e);
      return;
    }
    for (const f of frames) {
      let m;
      try {
        m = toShimMessage(f);
      } catch (e) {
        finish(e);
        sock.destroy();
        return;
      }
      if (!m) continue;
      if (m.kind === "output") queue.push({ stream: m.stream, data: m.data });
      else {
        gotExit = true;
        resolveExit(m.exit);
      }
    }
    if (queue.length > HIGH_WATER) sock.pause();
    notify();
  });
  sock.on("error", (e) => finish(e));
  sock.on("close", () => finish());

  const output: AsyncIterable<ShimOutput> = {
    [Symbol.asyncIterator]: () => ({
      async next(): Promise<IteratorResult<ShimOutput>> {
        for (;;) {
          const item = queue.shift();
          if (item) {
            if (queue.length < LOW_WATER && sock.isPaused()) sock.resume();
            return { value: item, done: false };
          }
          // A closed connection after an exit frame is the normal end; an error is not.
          if (ended) {
            if (failure !== undefined && !gotExit) throw failure;
            return { value: undefined, done: true };
          }
          await new Promise<void>((r) => (wake = r));
        }
      },
      async return(): Promise<IteratorResult<ShimOutput>> {
        sock.destroy();
        return { value: undefined, done: true };
      },
    }),
  };

  const send = (buf: Buffer): boolean => (sock.destroyed || !sock.writable ? false : sock.write(buf));
  const close = () => {
    sock.destroy();
  };
  return {
    output,
    exit,
    write: (data) => send(encodeStdin(data)),
    closeStdin: () => void send(encodeCloseStdin()),
    resize: (rows, cols) => void send(encodeResize(rows, cols)),
    close,
    [Symbol.asyncDispose]: async () => close(),
  };
}
