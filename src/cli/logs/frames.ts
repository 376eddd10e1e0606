/** One chunk of a container's output, from the stdcopy framing or a TTY stream. */
export interface OutputChunk {
  readonly stream: "stdout" | "stderr";
  readonly data: Buffer;
}

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

/** Cuts a byte stream into lines (without the newline), keeping an unfinished line for later. */
export class LineSplitter {
  #partial = "";

  push(data: Buffer | string): string[] {
    const text = this.#partial + data.toString();
    const parts = text.split("\n");
    this.#partial = parts.pop() ?? "";
    return parts.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  }

  /** The unfinished last line, if any, when the stream ends. */
  flush(): string[] {
    const rest = this.#partial;
    this.#partial = "";
    return rest === "" ? [] : [rest];
  }
}
