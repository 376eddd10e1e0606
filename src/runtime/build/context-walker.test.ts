import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseDockerignore } from "../../build/context/dockerignore.ts";
import type { SourceEntry } from "../../build/executor/ports.ts";
import { createContextWalker } from "./context-walker.ts";

const signal = new AbortController().signal;
const sha = (s: string) => `sha256:${createHash("sha256").update(s).digest("hex")}`;

async function all(it: AsyncIterable<SourceEntry>): Promise<SourceEntry[]> {
  const out: SourceEntry[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe("the build context walker", () => {
  let dir = "";
  let outside = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "tstack-ctx-"));
    outside = await mkdtemp(join(tmpdir(), "tstack-outside-"));
    await writeFile(join(outside, "x"), "outside");
    await mkdir(join(dir, "src/lib"), { recursive: true });
    await writeFile(join(dir, "src/main.c"), "int main;");
    await writeFile(join(dir, "src/lib/util.c"), "util", { mode: 0o600 });
    await mkdir(join(dir, "node_modules/dep"), { recursive: true });
    await writeFile(join(dir, "node_modules/dep/index.js"), "dep");
    await symlink("src/main.c", join(dir, "link"));
    await symlink(outside, join(dir, "escape"));
    execFileSync("mkfifo", [join(dir, "pipe")]);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it("reports every entry in path order, files hashed, symlinks not followed, fifos left out", async () => {
    const entries = await all(createContextWalker({ dir }).walk(".", signal));
    expect(entries.map((e) => e.path)).toEqual([".", "escape", "link", "node_modules", "node_modules/dep", "node_modules/dep/index.js", "src", "src/lib", "src/lib/util.c", "src/main.c"]);
    expect(entries.find((e) => e.path === "src/lib/util.c")).toMatchObject({ type: "file", mode: 0o600, size: 4, contentDigest: sha("util") });
    expect(entries.find((e) => e.path === "link")).toMatchObject({ type: "symlink", linkTarget: "src/main.c" });
  });

  it("never lists or reads what the ignore file keeps out, and reports no excluded path", async () => {
    const seen: string[] = [];
    const ignore = parseDockerignore("node_modules\n**/*.c\n!src/main.c\n");
    const entries = await all(createContextWalker({ dir, ignore, observe: (e) => seen.push(`${e.kind} ${e.path}`) }).walk(".", signal));
    expect(entries.map((e) => e.path)).toEqual([".", "escape", "link", "src", "src/lib", "src/main.c"]);
    expect(seen.filter((s) => s.includes("node_modules") || s.includes("util.c"))).toEqual([]);
  });

  it("walks below a path, following symlinks in its parents inside the context only", async () => {
    expect((await all(createContextWalker({ dir }).walk("src/lib", signal))).map((e) => e.path)).toEqual(["src/lib", "src/lib/util.c"]);
    // `escape` points outside: resolved inside the context root, it names nothing there.
    expect(await all(createContextWalker({ dir }).walk("escape/x", signal))).toEqual([]);
    expect(await all(createContextWalker({ dir }).walk("missing", signal))).toEqual([]);
  });
});
