// Pull-based access to a chunked byte stream, for the tar reader: pulls chunks from an async
// source only when asked, and hands out subarrays of them to avoid copies.
import { dataLoss } from "../errors.ts";

export type ByteSource = AsyncIterable<Uint8Array>;

export const EMPTY = Buffer.alloc(0);

export const truncated = (what: string) => dataLoss(`tar archive is truncated (${what})`);

export class ChunkReader {
  readonly #it: AsyncIterator<Uint8Array>;
  #buf: Buffer = EMPTY;
  #off = 0;
  #ended = false;

  constructor(source: ByteSource) {
    this.#it = source[Symbol.asyncIterator]();
  }

  async #fill(): Promise<boolean> {
    while (this.#off >= this.#buf.length) {
      if (this.#ended) return false;
      const next = await this.#it.next();
      if (next.done) {
        this.#ended = true;
        return false;
      }
      const v = next.value;
      this.#buf = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      this.#off = 0;
    }
    return true;
  }

  /** Up to `max` bytes (at least 1), or null at end of stream. */
  async readSome(max: number): Promise<Buffer | null> {
    if (this.#off >= this.#buf.length && !(await this.#fill())) return null;
    const end = Math.min(this.#buf.length, this.#off + max);
    const out = this.#buf.subarray(this.#off, end);
    this.#off = end;
    return out;
  }

  /** Exactly `n` bytes; null if the stream ended before the first byte; throws if it ends midway. */
  async readExact(n: number, what: string): Promise<Buffer | null> {
    const first = await this.readSome(n);
    if (first === null) return null;
    if (first.length === n) return first;
    const parts = [first];
    let got = first.length;
    while (got < n) {
      const more = await this.readSome(n - got);
      if (more === null) throw truncated(what);
      parts.push(more);
      got += more.length;
    }
    return Buffer.concat(parts, n);
  }

  async skip(n: number, what: string): Promise<void> {
    let left = n;
    while (left > 0) {
      const c = await this.readSome(left);
      if (c === null) throw truncated(what);
      left -= c.length;
    }
  }

  /** Consumes the rest of the source (trailing record padding is part of a layer's digest). */
  async drain(): Promise<void> {
    this.#off = this.#buf.length;
    while (!this.#ended) {
      const next = await this.#it.next();
      if (next.done) this.#ended = true;
    }
  }

  /** Stops the underlying source early (on error or when the consumer gives up). */
  async close(): Promise<void> {
    if (!this.#ended) {
      this.#ended = true;
      await this.#it.return?.();
    }
  }
}
