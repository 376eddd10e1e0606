import { describe, it, expect } from "vitest";
import { StdcopyDecoder, stdcopyFrame } from "./stdcopy.ts";

describe("stdcopy framing", () => {
  it("writes Docker's 8-byte header: stream, three zeros, big-endian size", () => {
    const f = stdcopyFrame("stderr", "hello");
    expect([...f.subarray(0, 8)]).toEqual([2, 0, 0, 0, 0, 0, 0, 5]);
    expect(f.subarray(8).toString()).toBe("hello");
    expect([...stdcopyFrame("stdout", Buffer.alloc(258)).subarray(0, 8)]).toEqual([1, 0, 0, 0, 0, 0, 1, 2]);
  });

  it("decodes frames split and joined at any byte", () => {
    const all = Buffer.concat([stdcopyFrame("stdout", "one\n"), stdcopyFrame("stderr", "two\n"), stdcopyFrame("stdout", "")]);
    for (let cut = 0; cut <= all.length; cut++) {
      const d = new StdcopyDecoder();
      const frames = [...d.push(all.subarray(0, cut)), ...d.push(all.subarray(cut))];
      expect(frames.map((f) => `${f.stream}:${f.payload.toString()}`)).toEqual(["stdout:one\n", "stderr:two\n", "stdout:"]);
      expect(d.buffered).toBe(0);
    }
  });
});
