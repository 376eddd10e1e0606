import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTar } from "./tar-reader.ts";
import { writeTar } from "./tar-writer.ts";
import { treeEntries } from "./tree-entries.ts";

describe("treeEntries", () => {
  it("archives a tree under its new root name, sorted, symlinks kept as links", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tstack-tree-"));
    try {
      await mkdir(join(dir, "src/sub"), { recursive: true });
      await writeFile(join(dir, "src/b.txt"), "bee");
      await writeFile(join(dir, "src/sub/a.txt"), "");
      await symlink("/etc/passwd", join(dir, "src/link"));
      execFileSync("mkfifo", [join(dir, "src/pipe")]);
      const seen: string[] = [];
      for await (const e of readTar(writeTar(treeEntries(join(dir, "src"), "dst")))) {
        const body = await e.readAll();
        seen.push(`${e.header.type} ${e.header.name}${e.header.linkname ? ` -> ${e.header.linkname}` : ""}${body.length ? ` ${body}` : ""}`);
      }
      expect(seen).toEqual(["dir dst/", "file dst/b.txt bee", "symlink dst/link -> /etc/passwd", "fifo dst/pipe", "dir dst/sub/", "file dst/sub/a.txt"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
