import { describe, expect, it } from "vitest";
import { LineError, readLogicalLines } from "./logical-lines.ts";

const texts = (s: string) => readLogicalLines(s).lines.map((l) => l.text);

describe("readLogicalLines", () => {
  it("reads directives at the top only", () => {
    const r = readLogicalLines("# syntax=docker/dockerfile:1.4\n#escape=`\nFROM a\n# escape=\\\n");
    expect(r.directives).toEqual({ syntax: "docker/dockerfile:1.4", escape: "`" });
    expect(texts("# comment\n# escape=`\nRUN a \\\n b")).toEqual(["RUN a  b"]);
  });
  it("treats an unknown directive as a comment that ends the directives", () => {
    const r = readLogicalLines("# foo=bar\n# escape=`\nFROM a");
    expect(r.directives.escape).toBe("\\");
  });
  it("rejects a repeated directive and a bad escape", () => {
    expect(() => readLogicalLines("# escape=`\n# escape=`\n")).toThrow("only one escape parser directive");
    expect(() => readLogicalLines("# escape=x\n")).toThrow(LineError);
  });
  it("joins continuations, skipping comments and blank lines inside, and keeps line numbers", () => {
    const r = readLogicalLines("FROM a\n\nRUN echo a \\  \n  # inner comment\n\n   && echo b\nCMD x\n");
    expect(r.lines.map((l) => [l.text, l.line, l.endLine, l.emptyContinuation])).toEqual([
      ["FROM a", 1, 1, false],
      ["RUN echo a    && echo b", 3, 6, true],
      ["CMD x", 7, 7, false],
    ]);
  });
  it("continues with the backtick when it is the escape character", () => {
    expect(texts("# escape=`\nRUN dir C:\\ `\n  /w\n")).toEqual(["RUN dir C:\\   /w"]);
  });
  it("strips a byte-order mark and carriage returns", () => {
    expect(texts("\uFEFFFROM a\r\nRUN b \\\r\n c\r\n")).toEqual(["FROM a", "RUN b  c"]);
  });
  it("reads heredoc bodies, several per line, in order", () => {
    const r = readLogicalLines("RUN <<A cat && <<-B cat\nfirst\nA\n\tsecond\n\tB\nCMD x\n");
    const run = r.lines[0];
    expect(run?.heredocs.map((h) => [h.name, h.content, h.chomp])).toEqual([
      ["A", "first\n", false],
      ["B", "\tsecond\n", true],
    ]);
    expect([run?.line, run?.endLine]).toEqual([1, 5]);
    expect(r.lines[1]?.text).toBe("CMD x");
  });
  it("keeps # lines and blank lines inside a heredoc body", () => {
    const r = readLogicalLines("COPY <<EOF /x\n# not a comment\n\nEOF\n");
    expect(r.lines[0]?.heredocs[0]?.content).toBe("# not a comment\n\n");
  });
  it("fails on an unterminated heredoc, naming the instruction's line", () => {
    try {
      readLogicalLines("FROM a\nRUN <<EOF\necho\n");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(LineError);
      expect((err as LineError).line).toBe(2);
    }
  });
});
