import { describe, expect, it } from "vitest";
import { FrameDemuxer, LineSplitter } from "./frames.ts";
import { colorFor, formatLogLine, timeArg } from "./log-format.ts";

const frame = (type: number, s: string) => {
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(Buffer.byteLength(s), 4);
  return Buffer.concat([h, Buffer.from(s)]);
};

describe("log plumbing", () => {
  it("demultiplexes stdcopy frames split anywhere", () => {
    const all = Buffer.concat([frame(1, "hello\n"), frame(2, "oops\n")]);
    const d = new FrameDemuxer();
    const got = [...d.push(all.subarray(0, 5)), ...d.push(all.subarray(5, 17)), ...d.push(all.subarray(17))];
    expect(got.map((f) => [f.stream, f.data.toString()])).toEqual([
      ["stdout", "hello\n"],
      ["stderr", "oops\n"],
    ]);
  });
  it("splits lines and keeps partial ones", () => {
    const s = new LineSplitter();
    expect(s.push("a\nb")).toEqual(["a"]);
    expect(s.push("c\r\nd")).toEqual(["bc"]);
    expect(s.flush()).toEqual(["d"]);
  });
  it("formats prefixes and times", () => {
    expect(formatLogLine({ service: "web", label: "web-1", stream: "stdout", text: "hi" }, { prefix: true, width: 8 })).toBe("web-1    | hi");
    expect(formatLogLine({ service: "web", label: "web-1", stream: "stdout", text: "hi" }, { prefix: false, width: 8 })).toBe("hi");
    expect(formatLogLine({ service: "web", label: "web-1", stream: "stdout", text: "hi" }, { prefix: true, width: 5, color: colorFor(0) })).toBe("\x1b[36mweb-1 | \x1b[0mhi");
    expect(timeArg("10m", 1_000_000_000)).toBe(1_000_000 - 600);
    expect(timeArg("1700000000", 0)).toBe(1_700_000_000);
    expect(timeArg("2024-01-01T00:00:00Z", 0)).toBe(1_704_067_200);
    expect(() => timeArg("yesterday", 0)).toThrow(/invalid time/);
  });
});
