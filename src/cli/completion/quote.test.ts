import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { fishQuote, posixQuote } from "./quote.ts";

const tricky = `it's a [test] \\ with "quotes" and $HOME`;

describe("quoting", () => {
  it("posixQuote gives bash the text back unchanged", async () => {
    const r = await execa("bash", ["-c", `printf '%s' ${posixQuote(tricky)}`]);
    expect(r.stdout).toBe(tricky);
  });

  it("fishQuote escapes backslashes and single quotes only", () => {
    expect(fishQuote(tricky)).toBe(`'it\\'s a [test] \\\\ with "quotes" and $HOME'`);
  });
});
