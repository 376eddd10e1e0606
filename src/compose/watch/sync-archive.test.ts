import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTar, writeTar } from "../../common/tar/index.ts";
import { pathFilter, patternLayer } from "./path-filter.ts";
import type { PathMapping } from "./route.ts";
import { syncEntries, type SyncCount } from "./sync-archive.ts";
import type { PlannedRule } from "./watch-plan.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tstack-sync-"));
  await mkdir(join(dir, "src/lib"), { recursive: true });
  await mkdir(join(dir, "src/node_modules/x"), { recursive: true });
  await writeFile(join(dir, "src/a.js"), "alpha");
  await writeFile(join(dir, "src/lib/b.js"), "beta");
  await writeFile(join(dir, "src/node_modules/x/i.js"), "ignored");
  await symlink("a.js", join(dir, "src/link.js"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const rule = (): PlannedRule => ({
  service: "web",
  index: 0,
  action: "sync",
  path: join(dir, "src"),
  target: "/app",
  initialSync: false,
  filter: pathFilter(join(dir, "src"), [patternLayer(join(dir, "src"), ["node_modules"], "ignore")]),
});

async function members(copies: readonly PathMapping[]) {
  const count: SyncCount = { files: 0, dirs: 0 };
  const out: string[] = [];
  for await (const e of readTar(writeTar(syncEntries(copies, { uid: 1000, gid: 50 }, count)))) {
    const h = e.header;
    out.push(`${h.type} ${h.name} ${h.uid}:${h.gid}${h.type === "file" ? ` ${(await e.readAll()).toString()}` : h.type === "symlink" ? ` -> ${h.linkname}` : ""}`);
  }
  return { out, count };
}

describe("syncEntries", () => {
  it("names members by container path, owned by the container user; a directory brings what its rule accepts", async () => {
    const r = rule();
    const { out, count } = await members([
      { hostPath: join(dir, "src/a.js"), containerPath: "/app/a.js", rule: r },
      { hostPath: join(dir, "src/lib"), containerPath: "/app/lib", rule: r },
      { hostPath: join(dir, "src/lib/b.js"), containerPath: "/app/lib/b.js", rule: r },
      { hostPath: join(dir, "src/link.js"), containerPath: "/app/link.js", rule: r },
    ]);
    expect(out).toEqual(["file app/a.js 1000:50 alpha", "dir app/lib/ 1000:50", "file app/lib/b.js 1000:50 beta", "symlink app/link.js 1000:50 -> a.js"]);
    expect(count).toEqual({ files: 3, dirs: 1 });
  });

  it("leaves out what the rule ignores, even inside a copied directory", async () => {
    const { out } = await members([{ hostPath: join(dir, "src"), containerPath: "/app", rule: rule() }]);
    expect(out.filter((m) => m.includes("node_modules"))).toEqual([]);
    expect(out[0]).toBe("dir app/ 1000:50");
  });
});
