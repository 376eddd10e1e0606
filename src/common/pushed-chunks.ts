import type { ByteSink } from "./http1/byte-sink.ts";

// Up to this much is copied and waiting for the reader before the producer is asked to pause.
const HIGH_WATER = 1 << 20;

/**
 * The bytes a push-style producer (`pushInto(sink)`) delivers, as chunks to iterate. Each
 * chunk is a copy: the producer's views are only valid during its call. For consumers that
 * keep chunks (a Node stream, a test); the content store takes the pushes directly.
 * Leaving the loop early makes the producer's next write throw, which ends its transfer.
 */
export function pushedChunks(push: (sink: ByteSink) => Promise<void>): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      const queue: Buffer[] = [];
      let queued = 0;
      let outcome: { readonly error?: unknown } | undefined;
      let abandoned = false;
      let wakeReader: (() => void) | undefined;
      let wakeProducer: (() => void) | undefined;
      const wake = () => {
        wakeReader?.();
        wakeReader = undefined;
      };
      let started = false;
      const start = () => {
        started = true;
        push({
          write(bytes) {
            if (abandoned) throw new Error("the reader stopped reading");
            queue.push(Buffer.from(bytes));
            queued += bytes.byteLength;
            wake();
            return queued < HIGH_WATER;
          },
          drained: () =>
            queued < HIGH_WATER || abandoned ? Promise.resolve() : new Promise<void>((resolve) => (wakeProducer = resolve)),
        }).then(
          () => (outcome = {}),
          (error: unknown) => (outcome = { error }),
        ).finally(wake);
      };
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          if (!started) start();
          for (;;) {
            const chunk = queue.shift();
            if (chunk !== undefined) {
              queued -= chunk.byteLength;
              if (queued < HIGH_WATER) {
                wakeProducer?.();
                wakeProducer = undefined;
              }
              return { value: chunk, done: false };
            }
            if (outcome !== undefined) {
              if ("error" in outcome) throw outcome.error;
              return { value: undefined, done: true };
            }
            await new Promise<void>((resolve) => (wakeReader = resolve));
          }
        },
        async return(): Promise<IteratorResult<Uint8Array>> {
          abandoned = true;
          queue.length = 0;
          wakeProducer?.();
          wakeProducer = undefined;
          return { value: undefined, done: true };
        },
      };
    },
  };
}
