import { dataLoss, invalidArgument } from "../../common/errors.ts";
import { parseExitInfo, type ExitInfo } from "./exit-file.ts";

// Frames on <state-dir>/attach.sock, both directions: [type u8][length u32 BE][payload].
export const FrameType = {
  Stdin: 0,
  Stdout: 1,
  Stderr: 2,
  Exit: 3,
  CloseStdin: 4,
  Resize: 5,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const FRAME_HEADER_BYTES = 5;
// The shim sends at most one read (64 KiB) per frame and drops clients sending more than
// 1 MiB per frame; anything larger here means a corrupt stream.
export const MAX_FRAME_PAYLOAD = 16 * 1024 * 1024;

export interface Frame {
  readonly type: number;
  readonly payload: Buffer;
}

export function encodeFrame(type: FrameType, payload: Uint8Array | string = Buffer.alloc(0)): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload, "utf8") : Buffer.from(payload);
  if (body.length > MAX_FRAME_PAYLOAD) throw invalidArgument(`attach frame too large: ${body.length} bytes`);
  const head = Buffer.alloc(FRAME_HEADER_BYTES);
  head.writeUInt8(type, 0);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

export const encodeStdin = (data: Uint8Array | string): Buffer => encodeFrame(FrameType.Stdin, data);
export const encodeCloseStdin = (): Buffer => encodeFrame(FrameType.CloseStdin);

export function encodeResize(rows: number, cols: number): Buffer {
  const ok = (n: number) => Number.isInteger(n) && n > 0 && n < 65536;
  if (!ok(rows) || !ok(cols)) throw invalidArgument(`bad terminal size ${rows}x${cols}`);
  return encodeFrame(FrameType.Resize, `${rows} ${cols}`);
}

// Reassembles frames from a byte stream whose chunks may split or join frames anywhere.
export class FrameDecoder {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): Frame[] {
    this.#pending = this.#pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#pending, chunk]);
    const frames: Frame[] = [];
    let off = 0;
    while (this.#pending.length - off >= FRAME_HEADER_BYTES) {
      const type = this.#pending.readUInt8(off);
      const len = this.#pending.readUInt32BE(off + 1);
      if (len > MAX_FRAME_PAYLOAD) throw dataLoss(`attach frame of ${len} bytes exceeds the limit`);
      if (this.#pending.length - off < FRAME_HEADER_BYTES + len) break;
      // Copy so a consumer keeping the payload does not pin the whole chunk.
      const payload = Buffer.from(this.#pending.subarray(off + FRAME_HEADER_BYTES, off + FRAME_HEADER_BYTES + len));
      frames.push({ type, payload });
      off += FRAME_HEADER_BYTES + len;
    }
    this.#pending = this.#pending.subarray(off);
    return frames;
  }

  // Bytes of an incomplete frame still held; non-zero at end of stream means truncation.
  get buffered(): number {
    return this.#pending.length;
  }
}

export type ShimMessage =
  | { readonly kind: "output"; readonly stream: "stdout" | "stderr"; readonly data: Buffer }
  | { readonly kind: "exit"; readonly exit: ExitInfo };

// Frames the shim sends to clients; other types (client→shim, or future ones) give undefined.
export function toShimMessage(frame: Frame): ShimMessage | undefined {
  switch (frame.type) {
    case FrameType.Stdout:
      return { kind: "output", stream: "stdout", data: frame.payload };
    case FrameType.Stderr:
      return { kind: "output", stream: "stderr", data: frame.payload };
    case FrameType.Exit:
      return { kind: "exit", exit: parseExitInfo(frame.payload.toString("utf8")) };
    default:
      return undefined;
  }
}
