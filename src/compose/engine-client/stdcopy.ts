import type { OutputChunk } from "./engine-client.ts";

/**
 * Splits Docker's stdcopy framing (8-byte header: stream type, 3 zero bytes, big-endian length)
 * into chunks, across arbitrary network chunk boundaries. Stdin (0) frames count as stdout.
 */
export class FrameDemuxer {
  #buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): OutputChunk[] {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const out: OutputChunk[] = [];
    while (this.#buf.length >= 8) {
      const len = this.#buf.readUInt32BE(4);
      if (this.#buf.length < 8 + len) break;
      const type = this.#buf[0];
      out.push({ stream: type === 2 ? "stderr" : "stdout", data: this.#buf.subarray(8, 8 + len) });
      this.#buf = this.#buf.subarray(8 + len);
    }
    return out;
  }
}

/** A container's or an exec's output as chunks: all stdout for a TTY, else stdcopy frames demultiplexed. */
export async function* outputChunks(body: AsyncIterable<Buffer | string>, tty: boolean): AsyncGenerator<OutputChunk> {
  const demux = new FrameDemuxer();
  for await (const c of body) {
    const chunk = typeof c === "string" ? Buffer.from(c) : c;
    if (tty) yield { stream: "stdout", data: chunk };
    else yield* demux.push(chunk);
  }
}

/**
 * Whether an answer's Content-Type says for sure that its body is stdcopy-framed. Only
 * "multiplexed-stream" does (API >= 1.42): "raw-stream" is what Docker before 1.42 sends for
 * framed output too, so then only the container's (or the exec's) TTY tells.
 */
export function saysMultiplexed(contentType: string | undefined): boolean {
  return contentType === "application/vnd.docker.multiplexed-stream";
}
