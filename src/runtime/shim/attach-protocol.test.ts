import { describe, expect, it } from "vitest";
import {
  FrameDecoder,
  FrameType,
  encodeCloseStdin,
  encodeFrame,
  encodeResize,
  encodeStdin,
  toShimMessage,
} from "./attach-protocol.ts";

describe("attach frames", () => {
  it("encodes type, big-endian length and payload", () => {
    expect([...encodeStdin("hi")]).toEqual([0, 0, 0, 0, 2, 0x68, 0x69]);
    expect([...encodeCloseStdin()]).toEqual([4, 0, 0, 0, 0]);
    expect(encodeResize(24, 80).subarray(5).toString()).toBe("24 80");
    expect(encodeResize(24, 80)[0]).toBe(FrameType.Resize);
    const big = encodeFrame(FrameType.Stdout, Buffer.alloc(0x010203, 7));
    expect([...big.subarray(0, 5)]).toEqual([1, 0x00, 0x01, 0x02, 0x03]);
  });

  it("rejects impossible terminal sizes", () => {
    expect(() => encodeResize(0, 80)).toThrow(/terminal size/);
    expect(() => encodeResize(24, 1.5)).toThrow(/terminal size/);
    expect(() => encodeResize(70000, 80)).toThrow(/terminal size/);
  });

  it("reassembles frames split across chunks at every byte", () => {
    const stream = Buffer.concat([
      encodeFrame(FrameType.Stdout, "hello\n"),
      encodeFrame(FrameType.Stderr, ""),
      encodeFrame(FrameType.Stderr, "oops"),
      encodeFrame(FrameType.Exit, '{"exitCode":3,"signal":null,"exitedAt":"2026-01-01T00:00:00.000000000Z","pid":9}'),
    ]);
    for (let cut = 0; cut <= stream.length; cut++) {
      for (const step of [1, 3, stream.length]) {
        const d = new FrameDecoder();
        const frames = [...d.push(stream.subarray(0, cut))];
        for (let i = cut; i < stream.length; i += step) frames.push(...d.push(stream.subarray(i, i + step)));
        expect(frames.map((f) => [f.type, f.payload.toString()])).toEqual([
          [1, "hello\n"],
          [2, ""],
          [2, "oops"],
          [3, expect.stringContaining('"exitCode":3')],
        ]);
        expect(d.buffered).toBe(0);
      }
    }
  });

  it("keeps an incomplete frame buffered", () => {
    const d = new FrameDecoder();
    expect(d.push(encodeFrame(FrameType.Stdout, "abcdef").subarray(0, 8))).toEqual([]);
    expect(d.buffered).toBe(8);
  });

  it("refuses absurd frame lengths as corruption", () => {
    const d = new FrameDecoder();
    expect(() => d.push(Buffer.from([1, 0xff, 0xff, 0xff, 0xff]))).toThrow(/exceeds/);
  });

  it("turns shim frames into messages and ignores client-side types", () => {
    expect(toShimMessage({ type: 1, payload: Buffer.from("x") })).toEqual({
      kind: "output",
      stream: "stdout",
      data: Buffer.from("x"),
    });
    expect(toShimMessage({ type: 2, payload: Buffer.from("y") })).toMatchObject({ stream: "stderr" });
    expect(
      toShimMessage({
        type: 3,
        payload: Buffer.from('{"exitCode":137,"signal":9,"exitedAt":"2026-01-01T00:00:00.000000000Z","pid":5}'),
      }),
    ).toEqual({ kind: "exit", exit: { exitCode: 137, signal: 9, exitedAt: "2026-01-01T00:00:00.000000000Z", pid: 5 } });
    expect(toShimMessage({ type: 0, payload: Buffer.from("in") })).toBeUndefined();
    expect(toShimMessage({ type: 99, payload: Buffer.alloc(0) })).toBeUndefined();
    expect(() => toShimMessage({ type: 3, payload: Buffer.from("{") })).toThrow(/not JSON/);
  });
});
