import type { Writable } from "node:stream";
import { unavailable } from "../../common/errors.ts";

/** Writes with back-pressure; rejects once the peer is gone so producers stop. */
export function writeChunk(w: Writable, chunk: Buffer | string): Promise<void> {
  if (w.destroyed || w.writableEnded) return Promise.reject(unavailable("the client closed the connection"));
  if (w.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      w.off("drain", done);
      w.off("close", gone);
      resolve();
    };
    const gone = () => {
      w.off("drain", done);
      reject(unavailable("the client closed the connection"));
    };
    w.once("drain", done);
    w.once("close", gone);
  });
}
