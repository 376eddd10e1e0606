import { describe, expect, it } from "vitest";
import { formatXattrDump, quoteDumpField } from "./xattr-dump.ts";

describe("xattr dump", () => {
  it("quotes odd bytes and hex-encodes values", () => {
    expect(quoteDumpField("a\nb\\c=é")).toBe("a\\012b\\134c\\075\\303\\251");
    const text = formatXattrDump([
      { path: "/r/f", xattrs: new Map([["security.capability", Buffer.from([0, 1, 255])]]) },
      { path: "/r/d", xattrs: new Map([["trusted.overlay.opaque", Buffer.from("y")]]) },
    ]);
    expect(text).toBe("# file: /r/f\nsecurity.capability=0x0001ff\n\n# file: /r/d\ntrusted.overlay.opaque=0x79\n");
  });
});

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}
async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}
