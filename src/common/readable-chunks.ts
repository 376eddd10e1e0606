import type { Readable } from "node:stream";

/**
 * A byte stream's chunks one by one, as the stream emitted them, with up to `highWater` bytes
 * read ahead. `for await` over a Readable does not do this: each step calls read(), which in
 * paused mode joins everything buffered into one new Buffer — a copy of up to the whole
 * lookahead, in fresh memory, for every step the consumer is behind (measured: a tenth of a
 * layer unpack's main-thread time, plus the GC it caused).
 * Leaving the loop early destroys the stream.
 */
export async function* readableChunks(stream: Readable, highWater: number): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let head = 0;
  let queued = 0;
  let ended = false;
  let failure: { readonly error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const onData = (chunk: Buffer) => {
    queue.push(chunk);
    queued += chunk.byteLength;
    if (queued >= highWater) stream.pause();
    notify();
  };
  const onEnd = () => {
    ended = true;
    notify();
  };
  const onError = (error: unknown) => {
    failure ??= { error };
    notify();
  };
  const onClose = () => {
    if (!ended) failure ??= { error: Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" }) };
    notify();
  };
  stream.on("data", onData);
  stream.on("end", onEnd);
  stream.on("error", onError);
  stream.on("close", onClose);
  try {
    for (;;) {
      if (head < queue.length) {
        const chunk = queue[head]!;
        queue[head++] = undefined as unknown as Buffer;
        if (head > 64 && head * 2 > queue.length) {
          queue.splice(0, head);
          head = 0;
        }
        queued -= chunk.byteLength;
        if (stream.isPaused() && queued < highWater / 2) stream.resume();
        yield chunk;
        continue;
      }
      if (failure !== undefined) throw failure.error;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stream.off("data", onData);
    stream.off("end", onEnd);
    stream.off("error", onError);
    stream.off("close", onClose);
    if (!ended) stream.destroy();
  }
}
