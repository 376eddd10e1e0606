import { describe, expect, it } from "vitest";
import { formatPaxRecord, mergePax, paxOverrides, parsePax } from "./pax.ts";

describe("PAX records", () => {
  it("formats records whose length prefix counts itself, across a change of digits", () => {
    for (const n of [1, 90, 93, 94, 95, 96, 990, 994, 995, 996]) {
      const value = "v".repeat(n);
      const rec = formatPaxRecord("k", value);
      expect(Number(rec.toString("latin1").split(" ")[0])).toBe(rec.length);
      expect(parsePax(rec).get("k")?.toString()).toBe(value);
    }
  });
  it("keeps binary values and folds the fields they override", () => {
    const cap = Buffer.from([0, 1, 0xff, 0x0a]);
    const data = Buffer.concat([formatPaxRecord("path", "ä/b"), formatPaxRecord("uid", "4000000000"), formatPaxRecord("SCHILY.xattr.security.capability", cap)]);
    const o = paxOverrides(parsePax(data));
    expect(o).toMatchObject({ path: "ä/b", uid: 4_000_000_000 });
    expect(o.xattrs.get("security.capability")?.equals(cap)).toBe(true);
  });
  it("merges later records over earlier ones; an empty value removes a key", () => {
    const base = parsePax(Buffer.concat([formatPaxRecord("uname", "a"), formatPaxRecord("gname", "g")]));
    const merged = mergePax(base, parsePax(Buffer.concat([formatPaxRecord("uname", "b"), formatPaxRecord("gname", "")])));
    expect([...merged.keys()]).toEqual(["uname"]);
    expect(merged.get("uname")?.toString()).toBe("b");
  });
});
