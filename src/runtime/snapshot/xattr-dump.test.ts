import { describe, expect, it } from "vitest";
import { decodeDumpValue, formatXattrDump, parseGetfattrDump, quoteDumpField, unquoteDumpField } from "./xattr-dump.ts";

describe("xattr dump", () => {
  it("quotes odd bytes and hex-encodes values", () => {
    expect(quoteDumpField("a\nb\\c=é")).toBe("a\\012b\\134c\\075\\303\\251");
    const text = formatXattrDump([
      { path: "/r/f", xattrs: new Map([["security.capability", Buffer.from([0, 1, 255])]]) },
      { path: "/r/d", xattrs: new Map([["trusted.overlay.opaque", Buffer.from("y")]]) },
    ]);
    expect(text).toBe("# file: /r/f\nsecurity.capability=0x0001ff\n\n# file: /r/d\ntrusted.overlay.opaque=0x79\n");
  });

  it("parses what it formats: each file to its attributes, octal escapes unescaped as UTF-8", () => {
    const sets = [
      { path: "/up/with space/été", xattrs: new Map([["user.a=b", Buffer.from([0, 1, 255])]]) },
      { path: "/up/no", xattrs: new Map([["trusted.overlay.opaque", Buffer.from("n")]]) },
    ];
    const parsed = parseGetfattrDump(formatXattrDump(sets));
    expect([...parsed.keys()]).toEqual(["/up/with space/été", "/up/no"]);
    expect(parsed.get("/up/no")?.get("trusted.overlay.opaque")).toBe("0x6e");
    expect(decodeDumpValue(parsed.get("/up/with space/été")?.get("user.a=b") ?? "")).toEqual(Buffer.from([0, 1, 255]));
  });

  it("takes a bare name as an empty value, and keeps a lone backslash that is not an escape", () => {
    expect(parseGetfattrDump("# file: /f\nuser.empty\n").get("/f")?.get("user.empty")).toBe("");
    expect(decodeDumpValue("")).toEqual(Buffer.alloc(0));
    expect(() => decodeDumpValue('"text"')).toThrow(/expected hex/);
    expect(unquoteDumpField("a\\b\\134c")).toBe("a\\b\\c");
  });
});
