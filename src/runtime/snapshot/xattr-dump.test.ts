import { describe, expect, it } from "vitest";
import { formatXattrDump, quoteDumpField } from "./xattr-dump.ts";
import { collect, errorOf } from "./testing/async.ts";

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

