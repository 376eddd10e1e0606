// Finds the end of a response body, per its framing, in the bytes that follow the head.
import type { BodyFraming } from "./body-framing.ts";
import { ChunkedDecoder } from "./chunked-decoder.ts";

/**
 * Lifecycle: `push` the connection's bytes in order until `done`; when the connection closes first,
 * call `end()`, which completes a read-until-close body and throws for a truncated one.
 */
export interface BodyDecoder {
  /**
   * Emits the body bytes within `bytes` as subarrays of it (never copies). Returns how many bytes
   * were consumed; bytes after that came after the end of the body. Throws on bad framing.
   */
  push(bytes: Uint8Array, emit: (view: Uint8Array) => void): number;
  /** The connection closed: completes the body, or throws if it is incomplete. */
  end(): void;
  readonly done: boolean;
  /** Body bytes emitted so far. */
  readonly received: number;
}

export function bodyDecoder(framing: BodyFraming): BodyDecoder {
  switch (framing.kind) {
    case "none":
      return new LengthDecoder(0);
    case "length":
      return new LengthDecoder(framing.length);
    case "chunked":
      return new ChunkedBodyDecoder();
    case "close":
      return new CloseDecoder();
    default:
      return assertNever(framing);
  }
}

class LengthDecoder implements BodyDecoder {
  received = 0;
  constructor(private readonly length: number) {}

  get done(): boolean {
    return this.received === this.length;
  }

  push(bytes: Uint8Array, emit: (view: Uint8Array) => void): number {
    const n = Math.min(bytes.length, this.length - this.received);
    if (n > 0) {
      this.received += n;
      emit(bytes.subarray(0, n));
    }
    return n;
  }

  end(): void {
    if (!this.done) throw new Error(`connection closed after ${this.received} of ${this.length} bytes`);
  }
}

class ChunkedBodyDecoder implements BodyDecoder {
  received = 0;
  private readonly chunks = new ChunkedDecoder();

  get done(): boolean {
    return this.chunks.done;
  }

  push(bytes: Uint8Array, emit: (view: Uint8Array) => void): number {
    return this.chunks.push(bytes, (view) => {
      this.received += view.length;
      emit(view);
    });
  }

  end(): void {
    if (!this.done) throw new Error(`connection closed after ${this.received} bytes, before the last chunk`);
  }
}

class CloseDecoder implements BodyDecoder {
  received = 0;
  done = false;

  push(bytes: Uint8Array, emit: (view: Uint8Array) => void): number {
    if (this.done) return 0;
    if (bytes.length > 0) {
      this.received += bytes.length;
      emit(bytes);
    }
    return bytes.length;
  }

  end(): void {
    this.done = true;
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected body framing ${JSON.stringify(x)}`);
}
