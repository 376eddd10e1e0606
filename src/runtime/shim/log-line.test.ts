import { describe, expect, it } from "vitest";
import { formatLogLine, parseLogLine } from "./log-line.ts";

describe("json-file log records", () => {
  it("parses what the shim writes, including Docker's escapes", () => {
    // Byte-for-byte as the C shim emits them: <>& and controls as \u escapes, invalid UTF-8 as \ufffd.
    const line = String.raw`{"log":"a\tb\"q\ufffdx \u003ctag\u003e \u0026 \u001b[0m\\\n","stream":"stderr","time":"2026-11-25T09:31:43.743909840Z"}`;
    expect(parseLogLine(line)).toEqual({
      stream: "stderr",
      time: "2026-11-25T09:31:43.743909840Z",
      log: 'a\tb"q\ufffdx <tag> & \u001b[0m\\\n',
    });
  });

  it("round-trips through formatLogLine", () => {
    const e = { stream: "stdout", time: "2026-01-01T00:00:00.000000001Z", log: "partial without newline" } as const;
    const text = formatLogLine(e);
    expect(text.endsWith("\n")).toBe(true);
    expect(text.indexOf('"log"')).toBeLessThan(text.indexOf('"stream"'));
    expect(parseLogLine(text.trimEnd())).toEqual(e);
  });

  it("rejects records that are not the format", () => {
    expect(() => parseLogLine("not json")).toThrow(/not JSON/);
    expect(() => parseLogLine('{"log":"x","stream":"stdin","time":"t"}')).toThrow(/malformed/);
    expect(() => parseLogLine('{"log":1,"stream":"stdout","time":"t"}')).toThrow(/malformed/);
    expect(() => parseLogLine('{"log":"x","stream":"stdout"}')).toThrow(/malformed/);
    expect(() => parseLogLine("[]")).toThrow(/malformed/);
  });
});
