// Docker's multiplexed stream for non-TTY output (logs, attach, exec): each chunk is framed
// as [stream u8, 0, 0, 0, size u32 BE] + payload, stream 0 stdin, 1 stdout, 2 stderr.

export type StdStream = "stdin" | "stdout" | "stderr";

const STREAM_BYTE: Readonly<Record<StdStream, number>> = { stdin: 0, stdout: 1, stderr: 2 };
const MAX_FRAME = 0xffffffff;

export function stdcopyFrame(stream: StdStream, payload: Buffer | string): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  if (body.length > MAX_FRAME) throw new RangeError(`stdcopy frame of ${body.length} bytes is too large`);
  const head = Buffer.alloc(8);
  head.writeUInt8(STREAM_BYTE[stream], 0);
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

export interface DecodedFrame {
  readonly stream: StdStream;
  readonly payload: Buffer;
}

/** Reassembles frames across arbitrary chunk boundaries (used by tests and clients). */
export class StdcopyDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): DecodedFrame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: DecodedFrame[] = [];
    for (;;) {
      if (this.pending.length < 8) break;
      const kind = this.pending.readUInt8(0);
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const stream: StdStream = kind === 0 ? "stdin" : kind === 2 ? "stderr" : "stdout";
      out.push({ stream, payload: Buffer.from(this.pending.subarray(8, 8 + size)) });
      this.pending = this.pending.subarray(8 + size);
    }
    return out;
  }

  get buffered(): number {
    return this.pending.length;
  }
}
