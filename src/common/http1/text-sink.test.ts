import { describe, it, expect } from "vitest";
import { TextSink } from "./text-sink.ts";

describe("TextSink", () => {
  it("copies what it is given, since the views are reused", () => {
    const sink = new TextSink();
    const buf = Buffer.from("caf\xc3", "latin1");
    expect(sink.write(buf)).toBe(true);
    buf.fill(0x21);
    sink.write(Buffer.from([0xa9, 0x21]));
    expect(sink.text()).toBe("café!");
  });

  it("throws once the limit is passed", () => {
    const sink = new TextSink(4);
    sink.write(Buffer.from("abcd"));
    expect(() => sink.write(Buffer.from("e"))).toThrow(/over 4 bytes/);
  });
});
