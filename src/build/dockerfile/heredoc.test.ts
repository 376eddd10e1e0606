import { describe, expect, it } from "vitest";
import { chompHeredoc, heredocMarkers, isHeredocEnd, parseHeredocWord } from "./heredoc.ts";

describe("parseHeredocWord", () => {
  it.each([
    ["<<EOF", { name: "EOF", expand: true, chomp: false }],
    ["<<-EOF", { name: "EOF", expand: true, chomp: true }],
    ["<<'EOF'", { name: "EOF", expand: false, chomp: false }],
    ['<<"EOF"', { name: "EOF", expand: false, chomp: false }],
    ["<<-'X'", { name: "X", expand: false, chomp: true }],
    ["3<<EOF", { name: "EOF", expand: true, chomp: false, fd: 3 }],
  ])("%s", (word, marker) => {
    expect(parseHeredocWord(word)).toEqual(marker);
  });
  it("ignores what is not a heredoc", () => {
    expect(parseHeredocWord("<<")).toBeUndefined();
    expect(parseHeredocWord("a<<EOF")).toBeUndefined();
    expect(parseHeredocWord("<<<EOF")).toBeUndefined();
  });
});

describe("heredocMarkers", () => {
  it("finds several on one line, in order", () => {
    expect(heredocMarkers("RUN <<A cat > /a && <<-'B' cat > /b").map((m) => m.name)).toEqual(["A", "B"]);
  });
  it("only in RUN, COPY, ADD (also behind ONBUILD) in shell form", () => {
    expect(heredocMarkers("COPY --chmod=755 <<EOF /x")).toHaveLength(1);
    expect(heredocMarkers("ONBUILD RUN <<EOF")).toHaveLength(1);
    expect(heredocMarkers("CMD cat <<EOF")).toHaveLength(0);
    expect(heredocMarkers('RUN ["cat", "<<EOF"]')).toHaveLength(0);
    expect(heredocMarkers("RUN echo '<<EOF'")).toHaveLength(0);
    expect(heredocMarkers("RUN echo \\<<EOF")).toHaveLength(0);
  });
});

describe("heredoc bodies", () => {
  it("ends at the delimiter; <<- allows leading tabs", () => {
    const m = { name: "EOF", expand: true, chomp: true };
    expect(isHeredocEnd(m, "\t\tEOF")).toBe(true);
    expect(isHeredocEnd({ ...m, chomp: false }, "\tEOF")).toBe(false);
    expect(isHeredocEnd(m, "EOF ")).toBe(false);
    expect(chompHeredoc("\ta\n\t\tb\n c\n")).toBe("a\nb\n c\n");
  });
});
