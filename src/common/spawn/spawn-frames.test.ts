import { describe, expect, it } from "vitest";
import {
  createFrameReader,
  decodeAnswer,
  decodeRequest,
  encodeAnswer,
  encodeRequest,
  FrameError,
  type NativeAnswer,
  type NativeRequest,
} from "./spawn-frames.ts";

const payload = (frame: Buffer) => {
  expect(frame.readUInt32LE(0)).toBe(frame.length - 4);
  return frame.subarray(4);
};

const requests: readonly NativeRequest[] = [
  {
    type: "run",
    id: 7,
    file: "/bin/sh",
    argv: ["/bin/sh", "-c", "echo é"],
    env: ["PATH=/bin", "EMPTY="],
    cwd: "/tmp",
    input: Buffer.from("input\0bytes"),
    maxBytes: 2 ** 40,
    merge: true,
    detached: false,
    untilLine: true,
  },
  { type: "run", id: 0xffffffff, file: "true", argv: [], input: Buffer.alloc(0), maxBytes: 0, merge: false, detached: true, untilLine: false },
  { type: "cancel", id: 3 },
  { type: "mount", id: 4, source: "overlay", target: "/m", fstype: "overlay", flags: 0x200002, data: "lowerdir=a:b", cwd: "/layers" },
  { type: "mount", id: 5, source: "", target: "/m", fstype: "", flags: 1 << 18, data: "" },
  { type: "umount", id: 6, target: "/m", flags: 2 },
];

const answers: readonly NativeAnswer[] = [
  { type: "hello", id: 0, version: 1 },
  { type: "done", id: 1, pid: 4242, exitCode: 3, signal: 0, stdout: Buffer.from("out\n"), stderr: Buffer.from([0xff, 0]) },
  { type: "line", id: 2, pid: 99, line: Buffer.from('{"pid":1}'), stderr: Buffer.alloc(0) },
  { type: "failed", id: 3, code: "ENOENT", message: "x: No such file or directory" },
  { type: "ok", id: 4 },
];

describe("spawn frames", () => {
  it("round-trips every request through the helper's reading", () => {
    for (const r of requests) {
      const back = decodeRequest(payload(encodeRequest(r)));
      expect({ ...back, ...(back.type === "run" ? { input: Buffer.from(back.input) } : {}) }).toEqual(
        r.type === "run" ? { ...r, input: Buffer.from(r.input) } : r,
      );
    }
  });

  it("round-trips every answer", () => {
    for (const a of answers) expect(decodeAnswer(payload(encodeAnswer(a)))).toEqual(a);
  });

  it("lays a run request out as the helper reads it", () => {
    const f = encodeRequest({ type: "run", id: 0x01020304, file: "a", argv: ["a"], input: Buffer.from("i"), maxBytes: 5, merge: true, detached: false, untilLine: false });
    // length | type | id | flags | u64 max | "a" | argv [ "a" ] | input "i"
    expect(f.toString("hex")).toBe(
      ["24000000", "01", "04030201", "01000000", "0500000000000000", "0100000061", "01000000" + "0100000061", "0100000069"].join(""),
    );
  });

  it("splits a stream into frames whatever the chunking, joining partial frames", () => {
    const stream = Buffer.concat(answers.map(encodeAnswer));
    for (const size of [1, 2, 3, 5, 7, 64, stream.length]) {
      const reader = createFrameReader();
      const got: NativeAnswer[] = [];
      for (let i = 0; i < stream.length; i += size) {
        for (const p of reader.push(stream.subarray(i, i + size))) got.push(decodeAnswer(p));
      }
      expect(got).toEqual(answers);
      expect(reader.buffered).toBe(0);
    }
  });

  it("holds a frame back until its last byte, and keeps what follows it", () => {
    const big = encodeAnswer({ type: "done", id: 9, pid: 1, exitCode: 0, signal: 0, stdout: Buffer.alloc(200_000, 0x61), stderr: Buffer.alloc(0) });
    const next = encodeAnswer({ type: "ok", id: 10 });
    const reader = createFrameReader();
    expect(reader.push(big.subarray(0, 100_000))).toEqual([]);
    expect(reader.push(big.subarray(100_000, big.length - 1))).toEqual([]);
    const out = reader.push(Buffer.concat([big.subarray(big.length - 1), next.subarray(0, 3)]));
    expect(out).toHaveLength(1);
    const a = decodeAnswer(out[0]!);
    expect(a.type === "done" && a.stdout.length).toBe(200_000);
    expect(reader.buffered).toBe(3);
    expect(reader.push(next.subarray(3)).map(decodeAnswer)).toEqual([{ type: "ok", id: 10 }]);
  });

  it("refuses frames that are too long, truncated or have stray bytes", () => {
    expect(() => createFrameReader(10).push(Buffer.from([11, 0, 0, 0]))).toThrow(FrameError);
    const ok = payload(encodeAnswer({ type: "failed", id: 1, code: "E", message: "m" }));
    expect(() => decodeAnswer(ok.subarray(0, ok.length - 1))).toThrow(/middle of a field/);
    expect(() => decodeAnswer(Buffer.concat([ok, Buffer.from([0])]))).toThrow(/stray/);
    expect(() => decodeAnswer(Buffer.from([0x7f, 0, 0, 0, 0]))).toThrow(/unknown answer type/);
  });
});
