import { describe, expect, it } from "vitest";
import { copyEntries, needsDestStat, type CopyItem } from "./copy-entries.ts";
import type { SourceEntry, TreeRef } from "./ports.ts";
import { selectRoots } from "./source-select.ts";

const CONTEXT: TreeRef = { kind: "context" };
const D = `sha256:${"d".repeat(64)}`;
const file = (path: string, uid = 501): SourceEntry => ({ path, type: "file", mode: 0o640, uid, gid: uid, size: 1, contentDigest: D });
const dir = (path: string): SourceEntry => ({ path, type: "dir", mode: 0o700, uid: 501, gid: 501 });
const TREE: SourceEntry[] = [dir("."), dir("src"), file("src/a.ts"), dir("src/lib"), file("src/lib/b.ts"), file("README"), { path: "link", type: "symlink", mode: 0o777, uid: 0, gid: 0, linkTarget: "README" }];
const items = (...patterns: string[]): CopyItem[] => patterns.flatMap((p) => selectRoots(p, TREE).map((root) => ({ kind: "tree" as const, tree: CONTEXT, root })));
const paths = (dest: string, its: CopyItem[], destIsDir = false) => copyEntries({ dest, items: its, destIsDir, keepOwner: false, unpack: false }).map((e) => `${e.type} ${e.path}`);

describe("copyEntries", () => {
  it("copies a directory's contents, not the directory, and makes the destination and its parents", () => {
    expect(paths("/app", items("src"))).toEqual(["dir /app", "file /app/a.ts", "dir /app/lib", "file /app/lib/b.ts"]);
    expect(paths("/srv/app/", items("."))).toEqual([
      "dir /srv",
      "dir /srv/app",
      "file /srv/app/README",
      "symlink /srv/app/link",
      "dir /srv/app/src",
      "file /srv/app/src/a.ts",
      "dir /srv/app/src/lib",
      "file /srv/app/src/lib/b.ts",
    ]);
  });

  it("puts a lone file at the destination, or into it when it ends in / or is a directory", () => {
    expect(paths("/etc/readme", items("README"))).toEqual(["dir /etc", "file /etc/readme"]);
    expect(paths("/etc/", items("README"))).toEqual(["dir /etc", "file /etc/README"]);
    expect(paths("/etc", items("README"), true)).toEqual(["dir /etc", "file /etc/README"]);
    expect(paths("/x/", items("src/*.ts", "README"))).toEqual(["dir /x", "file /x/README", "file /x/a.ts"]);
  });

  it("gives context files to root and keeps a rootfs's owners, unless --chown; --chmod replaces modes", () => {
    const [root] = items("src/a.ts");
    if (root === undefined) throw new Error("no match");
    const one = (o: Partial<Parameters<typeof copyEntries>[0]>) => copyEntries({ dest: "/a", items: [root], destIsDir: false, keepOwner: false, unpack: false, ...o }).at(-1);
    expect(one({})).toMatchObject({ uid: 0, gid: 0, mode: 0o640 });
    expect(one({ keepOwner: true })).toMatchObject({ uid: 501, gid: 501 });
    expect(one({ owner: { uid: 7, gid: 8 }, chmod: 0o755 })).toMatchObject({ uid: 7, gid: 8, mode: 0o755 });
    expect(one({ unpack: true })).toMatchObject({ unpackTo: "/a" });
  });

  it("writes heredocs as root-owned 0644 files; later sources win", () => {
    const out = copyEntries({
      dest: "/conf/",
      items: [...items("README"), { kind: "inline", name: "README", content: "mine" }],
      destIsDir: false,
      keepOwner: false,
      unpack: false,
    });
    expect(out.at(-1)).toEqual({ type: "file", path: "/conf/README", mode: 0o644, uid: 0, gid: 0, content: { kind: "inline", data: "mine" } });
  });

  it("needs to know whether the destination is a directory only for one file-like thing without a trailing /", () => {
    expect(needsDestStat("/x", items("README"))).toBe(true);
    expect(needsDestStat("/x", [{ kind: "inline", name: "f", content: "" }])).toBe(true);
    expect(needsDestStat("/x/", items("README"))).toBe(false);
    expect(needsDestStat("/x", items("src"))).toBe(false);
  });
});
