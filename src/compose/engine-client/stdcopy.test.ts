import { describe, expect, it } from "vitest";
import { FrameDemuxer, outputChunks, saysMultiplexed } from "./stdcopy.ts";

const frame = (type: number, s: string) => {
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(Buffer.byteLength(s), 4);
  return Buffer.concat([h, Buffer.from(s)]);
};

describe("stdcopy", () => {
  it("demultiplexes frames split anywhere", () => {
    const all = Buffer.concat([frame(1, "hello\n"), frame(2, "oops\n")]);
    const d = new FrameDemuxer();
    const got = [...d.push(all.subarray(0, 5)), ...d.push(all.subarray(5, 17)), ...d.push(all.subarray(17))];
    expect(got.map((f) => [f.stream, f.data.toString()])).toEqual([
      ["stdout", "hello\n"],
      ["stderr", "oops\n"],
    ]);
  });

  it("passes a TTY's raw stream through as stdout", async () => {
    const got: string[] = [];
    for await (const c of outputChunks((async function* () { yield Buffer.from("\x01raw"); })(), true)) got.push(`${c.stream}:${c.data.toString()}`);
    expect(got).toEqual(["stdout:\x01raw"]);
  });

  it("takes only a multiplexed Content-Type as proof of framing (older engines say raw-stream for both)", () => {
    expect(saysMultiplexed("application/vnd.docker.multiplexed-stream")).toBe(true);
    expect(saysMultiplexed("application/vnd.docker.raw-stream")).toBe(false);
    expect(saysMultiplexed(undefined)).toBe(false);
  });
});
