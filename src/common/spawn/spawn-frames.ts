// The wire format of tstack-spawn (native/spawn/main.c, docs/spawn.md): length-prefixed binary
// frames, little-endian. Pure: both directions are here, the helper's side for tests.

import type { MountCall } from "./mount-options.ts";

export const PROTOCOL_VERSION = 1;
/** The helper refuses longer frames; so do we. */
export const MAX_FRAME = 2 ** 30;

export type NativeRequest =
  | {
      readonly type: "run";
      readonly id: number;
      readonly file: string;
      readonly argv: readonly string[];
      /** "K=V" entries; replaces the environment when given. */
      readonly env?: readonly string[];
      readonly cwd?: string;
      readonly input: Uint8Array;
      readonly maxBytes: number;
      readonly merge: boolean;
      readonly detached: boolean;
      readonly untilLine: boolean;
    }
  | { readonly type: "cancel"; readonly id: number }
  | ({ readonly type: "mount"; readonly id: number } & MountCall)
  | { readonly type: "umount"; readonly id: number; readonly target: string; readonly flags: number };

export type NativeAnswer =
  | { readonly type: "hello"; readonly id: number; readonly version: number }
  | {
      readonly type: "done";
      readonly id: number;
      readonly pid: number;
      readonly exitCode: number;
      /** The terminating signal's number, 0 if none. */
      readonly signal: number;
      readonly stdout: Buffer;
      readonly stderr: Buffer;
    }
  | { readonly type: "line"; readonly id: number; readonly pid: number; readonly line: Buffer; readonly stderr: Buffer }
  | { readonly type: "failed"; readonly id: number; readonly code: string; readonly message: string }
  | { readonly type: "ok"; readonly id: number };

const REQ = { run: 0x01, cancel: 0x02, mount: 0x03, umount: 0x04 } as const;
const ANS = { hello: 0x80, done: 0x81, line: 0x82, failed: 0x83, ok: 0x84 } as const;
const RUN_MERGE = 1;
const RUN_DETACHED = 2;
const RUN_UNTIL_LINE = 4;
const RUN_HAS_ENV = 8;
const RUN_HAS_CWD = 16;
const MOUNT_HAS_CWD = 1;

export class FrameError extends Error {}

// Collects fields as buffers and joins them once, with the length prefix in front.
class Writer {
  private readonly parts: Buffer[] = [Buffer.alloc(4)];
  private size = 0;

  u8(v: number): this {
    return this.push(Buffer.from([v]));
  }
  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    return this.push(b);
  }
  u64(v: number): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(Math.max(0, Math.floor(v))));
    return this.push(b);
  }
  bytes(v: Uint8Array): this {
    this.u32(v.length);
    return this.push(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
  }
  str(v: string): this {
    return this.bytes(Buffer.from(v, "utf8"));
  }
  strv(v: readonly string[]): this {
    this.u32(v.length);
    for (const s of v) this.str(s);
    return this;
  }
  frame(): Buffer {
    if (this.size > MAX_FRAME) throw new FrameError(`frame of ${this.size} bytes is too long`);
    this.parts[0]!.writeUInt32LE(this.size);
    return Buffer.concat(this.parts, 4 + this.size);
  }
  private push(b: Buffer): this {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }
}

// A cursor over one payload; reading past its end is a FrameError.
class Reader {
  private off = 0;
  constructor(private readonly b: Buffer) {}

  u8(): number {
    this.need(1);
    return this.b.readUInt8(this.off++);
  }
  u32(): number {
    this.need(4);
    const v = this.b.readUInt32LE(this.off);
    this.off += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = this.b.readBigUInt64LE(this.off);
    this.off += 8;
    return Number(v);
  }
  /** A view into the payload, not a copy. */
  bytes(): Buffer {
    const n = this.u32();
    this.need(n);
    const v = this.b.subarray(this.off, this.off + n);
    this.off += n;
    return v;
  }
  str(): string {
    return this.bytes().toString("utf8");
  }
  strv(): string[] {
    const n = this.u32();
    return Array.from({ length: n }, () => this.str());
  }
  end(): void {
    if (this.off !== this.b.length) throw new FrameError(`${this.b.length - this.off} stray bytes after the fields`);
  }
  private need(n: number): void {
    if (this.b.length - this.off < n) throw new FrameError("frame ends in the middle of a field");
  }
}

export function encodeRequest(r: NativeRequest): Buffer {
  const w = new Writer().u8(REQ[r.type]).u32(r.id);
  switch (r.type) {
    case "run": {
      const flags =
        (r.merge ? RUN_MERGE : 0) |
        (r.detached ? RUN_DETACHED : 0) |
        (r.untilLine ? RUN_UNTIL_LINE : 0) |
        (r.env !== undefined ? RUN_HAS_ENV : 0) |
        (r.cwd !== undefined ? RUN_HAS_CWD : 0);
      w.u32(flags).u64(r.maxBytes).str(r.file).strv(r.argv);
      if (r.env !== undefined) w.strv(r.env);
      if (r.cwd !== undefined) w.str(r.cwd);
      return w.bytes(r.input).frame();
    }
    case "cancel":
      return w.frame();
    case "mount":
      w.u32(r.cwd !== undefined ? MOUNT_HAS_CWD : 0).u64(r.flags).str(r.source).str(r.target).str(r.fstype).str(r.data);
      if (r.cwd !== undefined) w.str(r.cwd);
      return w.frame();
    case "umount":
      return w.u32(r.flags).str(r.target).frame();
    default:
      return unreachable(r);
  }
}

/** The helper's reading of a request payload (without the length prefix); for tests. */
export function decodeRequest(payload: Buffer): NativeRequest {
  const rd = new Reader(payload);
  const type = rd.u8();
  const id = rd.u32();
  let r: NativeRequest;
  switch (type) {
    case REQ.run: {
      const flags = rd.u32();
      const maxBytes = rd.u64();
      const file = rd.str();
      const argv = rd.strv();
      const env = flags & RUN_HAS_ENV ? rd.strv() : undefined;
      const cwd = flags & RUN_HAS_CWD ? rd.str() : undefined;
      const input = rd.bytes();
      r = {
        type: "run",
        id,
        file,
        argv,
        ...(env !== undefined ? { env } : {}),
        ...(cwd !== undefined ? { cwd } : {}),
        input,
        maxBytes,
        merge: (flags & RUN_MERGE) !== 0,
        detached: (flags & RUN_DETACHED) !== 0,
        untilLine: (flags & RUN_UNTIL_LINE) !== 0,
      };
      break;
    }
    case REQ.cancel:
      r = { type: "cancel", id };
      break;
    case REQ.mount: {
      const has = rd.u32();
      const flags = rd.u64();
      const [source, target, fstype, data] = [rd.str(), rd.str(), rd.str(), rd.str()];
      const cwd = has & MOUNT_HAS_CWD ? rd.str() : undefined;
      r = { type: "mount", id, source, target, fstype, flags, data, ...(cwd !== undefined ? { cwd } : {}) };
      break;
    }
    case REQ.umount: {
      const flags = rd.u32();
      r = { type: "umount", id, flags, target: rd.str() };
      break;
    }
    default:
      throw new FrameError(`unknown request type 0x${type.toString(16)}`);
  }
  rd.end();
  return r;
}

/** The helper's writing of an answer; for tests. */
export function encodeAnswer(a: NativeAnswer): Buffer {
  const w = new Writer().u8(ANS[a.type]).u32(a.id);
  switch (a.type) {
    case "hello":
      return w.u32(a.version).frame();
    case "done":
      return w.u32(a.pid).u32(a.exitCode).u32(a.signal).bytes(a.stdout).bytes(a.stderr).frame();
    case "line":
      return w.u32(a.pid).bytes(a.line).bytes(a.stderr).frame();
    case "failed":
      return w.str(a.code).str(a.message).frame();
    case "ok":
      return w.frame();
    default:
      return unreachable(a);
  }
}

/** An answer payload (without the length prefix). Its buffers are views into `payload`. */
export function decodeAnswer(payload: Buffer): NativeAnswer {
  const rd = new Reader(payload);
  const type = rd.u8();
  const id = rd.u32();
  let a: NativeAnswer;
  switch (type) {
    case ANS.hello:
      a = { type: "hello", id, version: rd.u32() };
      break;
    case ANS.done: {
      const [pid, exitCode, signal] = [rd.u32(), rd.u32(), rd.u32()];
      a = { type: "done", id, pid, exitCode, signal, stdout: rd.bytes(), stderr: rd.bytes() };
      break;
    }
    case ANS.line: {
      const pid = rd.u32();
      a = { type: "line", id, pid, line: rd.bytes(), stderr: rd.bytes() };
      break;
    }
    case ANS.failed: {
      const code = rd.str();
      a = { type: "failed", id, code, message: rd.str() };
      break;
    }
    case ANS.ok:
      a = { type: "ok", id };
      break;
    default:
      throw new FrameError(`unknown answer type 0x${type.toString(16)}`);
  }
  rd.end();
  return a;
}

/**
 * Splits a byte stream into frame payloads, whatever the chunking: push each chunk as it
 * arrives; get back the payloads it completed. A big frame is joined once, when whole.
 */
export interface FrameReader {
  push(chunk: Buffer): Buffer[];
  /** Bytes held for a frame not yet complete. */
  readonly buffered: number;
}

export function createFrameReader(maxFrame: number = MAX_FRAME): FrameReader {
  let chunks: Buffer[] = [];
  let have = 0;
  let need = -1; // the payload length once the prefix is known
  return {
    get buffered() {
      return have;
    },
    push(chunk) {
      if (chunk.length > 0) {
        chunks.push(chunk);
        have += chunk.length;
      }
      const out: Buffer[] = [];
      for (;;) {
        if (need < 0) {
          if (have < 4) break;
          if (chunks[0]!.length < 4) chunks = [Buffer.concat(chunks, have)];
          need = chunks[0]!.readUInt32LE(0);
          if (need > maxFrame) throw new FrameError(`frame of ${need} bytes is too long`);
        }
        if (have < 4 + need) break;
        const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, have);
        out.push(all.subarray(4, 4 + need));
        const rest = all.subarray(4 + need);
        chunks = rest.length > 0 ? [rest] : [];
        have = rest.length;
        need = -1;
      }
      return out;
    },
  };
}

function unreachable(x: never): never {
  throw new FrameError(`unexpected ${JSON.stringify(x)}`);
}
