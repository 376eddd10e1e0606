// Collects a (small) body as UTF-8 text: meant for error bodies, so it refuses anything big.
import type { ByteSink } from "./byte-sink.ts";

export const MAX_TEXT_BYTES = 1024 * 1024;

export class TextSink implements ByteSink {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly limit: number = MAX_TEXT_BYTES) {}

  write(bytes: Uint8Array): boolean {
    this.size += bytes.length;
    if (this.size > this.limit) throw new Error(`response body is over ${this.limit} bytes, too big for text()`);
    // The view is only valid during this call.
    this.chunks.push(new Uint8Array(bytes));
    return true;
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  text(): string {
    return new TextDecoder().decode(Buffer.concat(this.chunks));
  }
}
