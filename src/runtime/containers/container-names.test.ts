import { describe, it, expect } from "vitest";
import { generateName, normalizeContainerName } from "./container-names.ts";
import { findRecord } from "./record-index.ts";

describe("container names", () => {
  it("accepts Docker's names, with or without the leading slash", () => {
    expect(normalizeContainerName("/web-1")).toBe("web-1");
    expect(normalizeContainerName("app_backend.1")).toBe("app_backend.1");
    expect(() => normalizeContainerName("-bad")).toThrow(/invalid container name/);
    expect(() => normalizeContainerName("a")).toThrow(/invalid container name/);
  });

  it("generates an unused adjective_surname", () => {
    let i = 0;
    const seq = [0, 0, 0, 0, 0.5, 0.5];
    const name = generateName(() => seq[i++ % seq.length]!, (n) => n === "admiring_babbage");
    expect(name).toMatch(/^[a-z]+_[a-z]+$/);
    expect(name).not.toBe("admiring_babbage");
  });

  it("finds by id, name and unique prefix, and refuses ambiguous prefixes", () => {
    const recs = [
      { id: "abc123", name: "one" },
      { id: "abd456", name: "two" },
    ];
    expect(findRecord(recs, "abc", "container")?.name).toBe("one");
    expect(findRecord(recs, "/two", "container")?.id).toBe("abd456");
    expect(findRecord(recs, "zzz", "container")).toBeUndefined();
    expect(() => findRecord(recs, "ab", "container")).toThrow(/multiple containers/);
  });
});
