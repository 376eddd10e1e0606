import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { copySourceDigest, type CopySourceEntry } from "./copy-source-digest.ts";

const sha = (s: string) => `sha256:${createHash("sha256").update(s).digest("hex")}`;
const tree: CopySourceEntry[] = [
  { path: ".", type: "dir", mode: 0o755, uid: 0, gid: 0 },
  { path: "src", type: "dir", mode: 0o755, uid: 1000, gid: 1000 },
  { path: "src/main.ts", type: "file", mode: 0o644, uid: 1000, gid: 1000, size: 12, contentDigest: sha("console.log(1)") },
  { path: "src/current", type: "symlink", mode: 0o777, uid: 1000, gid: 1000, linkTarget: "main.ts" },
];
const digest = copySourceDigest(tree);
const change = (i: number, patch: Partial<CopySourceEntry>) => tree.map((e, j) => (j === i ? ({ ...e, ...patch } as CopySourceEntry) : e));

describe("copySourceDigest", () => {
  it("is pinned", () => {
    expect(digest).toBe("sha256:52776458d50e049b23e65d637c2cd10ef8ac66c0db30f3fb466d4cf51547b488");
    expect(copySourceDigest([])).toBe("sha256:c06c798bce879baced2d002d738574e7b206bb3dd2d0fe845329d83eea403a6e");
  });
  it("does not change on touch (mtime is not an input) nor with the walk order", () => {
    const touched = tree.map((e) => ({ ...e, mtime: Date.now() / 1000 }));
    expect(copySourceDigest(touched)).toBe(digest);
    expect(copySourceDigest([...tree].reverse())).toBe(digest);
  });
  it("changes with content, size, mode, owner, symlink target, and an added empty directory", () => {
    const variants = [
      change(2, { contentDigest: sha("console.log(2)") }),
      change(2, { size: 13 }),
      change(2, { mode: 0o755 }),
      change(2, { uid: 0 }),
      change(1, { gid: 0 }),
      change(3, { linkTarget: "other.ts" }),
      [...tree, { path: "empty", type: "dir", mode: 0o755, uid: 0, gid: 0 } as const],
      change(2, { path: "src/Main.ts" }),
    ];
    const digests = variants.map(copySourceDigest);
    expect(new Set([digest, ...digests]).size).toBe(variants.length + 1);
  });
  it("ignores file-type bits in mode", () => {
    expect(copySourceDigest(change(2, { mode: 0o100644 }))).toBe(digest);
  });
  it("rejects duplicate and unclean paths and malformed digests", () => {
    expect(() => copySourceDigest([...tree, tree[2] as CopySourceEntry])).toThrow('"src/main.ts" appears twice');
    expect(() => copySourceDigest(change(2, { path: "./src/x" }))).toThrow("not a clean relative path");
    expect(() => copySourceDigest(change(2, { path: "/abs" }))).toThrow("not a clean relative path");
    expect(() => copySourceDigest(change(2, { contentDigest: "md5:x" }))).toThrow("contentDigest must be sha256");
  });
});
