import { describe, expect, it } from "vitest";
import { isKind } from "../errors.ts";
import type { TarEntryType } from "./tar-entry.ts";
import { entryTypeOf, typeflagOf } from "./typeflag.ts";

describe("typeflag", () => {
  it("maps every entry type to a typeflag and back", () => {
    const types: TarEntryType[] = ["file", "dir", "symlink", "hardlink", "char", "block", "fifo"];
    for (const t of types) expect(entryTypeOf(typeflagOf(t), "x")).toBe(t);
  });
  it("reads contiguous and pre-POSIX files, and pre-POSIX directories by their slash", () => {
    expect(entryTypeOf("7", "f")).toBe("file");
    expect(entryTypeOf("\0", "f")).toBe("file");
    expect(entryTypeOf("\0", "d/")).toBe("dir");
  });
  it("refuses sparse files and unknown types", () => {
    const kindOf = (flag: string) => {
      try {
        entryTypeOf(flag, "x");
      } catch (err) {
        return isKind(err, "Unimplemented") ? "Unimplemented" : isKind(err, "InvalidArgument") ? "InvalidArgument" : "other";
      }
      return "none";
    };
    expect(kindOf("S")).toBe("Unimplemented");
    expect(kindOf("Q")).toBe("InvalidArgument");
  });
});
