import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createContext } from "./context.ts";
import { globalOptionsOf } from "./global-options.ts";
import type { CliIo } from "./io.ts";

let root: string;
let proj: string;
let cacheDir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "tstack-pcache-ctx-"));
  proj = join(root, "proj");
  cacheDir = join(root, "cache");
  mkdirSync(proj);
  writeFileSync(join(proj, "compose.yaml"), "services:\n  web:\n    image: busybox:${UNSET_TAG}\n    environment: [FROM_HOST]\n");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function run(debug = true) {
  let stderr = "";
  const err = new PassThrough();
  err.on("data", (c: Buffer) => (stderr += c.toString()));
  const io: CliIo = {
    env: { HOME: "/home/u", FROM_HOST: "h" },
    cwd: proj,
    stdout: new PassThrough(),
    stderr: err,
    stdin: Readable.from([]),
    interrupt: { signal: new AbortController().signal, onRepeat: () => undefined },
    selfCommand: [],
    // Ahead of the files' timestamps, past the cache's racy-timestamp window.
    now: () => Date.now() + 10_000,
  };
  const global = globalOptionsOf({ debug }, {});
  const ctx = createContext(io, global, { projectCache: { dir: cacheDir, build: "b" } });
  return { ctx, stderr: () => stderr };
}

describe("the command context's project cache", () => {
  it("serves the second run from the cache and prints the same warnings", async () => {
    const a = run();
    const first = await a.ctx.project();
    const b = run();
    const second = await b.ctx.project();
    expect(a.stderr()).toMatch(/DEBU\[0000\] project cache miss, stored/);
    expect(b.stderr()).toMatch(/DEBU\[0000\] project cache hit/);
    const warnings = (s: string) => s.split("\n").filter((l) => l.startsWith("WARN"));
    expect(warnings(a.stderr())).toEqual(['WARN[0000] The "UNSET_TAG" variable is not set. Defaulting to a blank string.']);
    expect(warnings(b.stderr())).toEqual(warnings(a.stderr()));
    expect(second.project).toStrictEqual(first.project);
    expect(second.environment["FROM_HOST"]).toBe("h");
  });

  it("prints nothing extra without --debug", async () => {
    const a = run(false);
    await a.ctx.project();
    expect(a.stderr()).not.toMatch(/DEBU/);
  });

  it("loads in full, with the merged tree, for config", async () => {
    const a = run();
    const full = await a.ctx.fullProject();
    expect(full.tree.tree["services"]).toBeDefined();
    expect(a.stderr()).not.toMatch(/project cache/);
  });

  it("uses no cache when told so", async () => {
    const io = run();
    const ctx = createContext(io.ctx.io, io.ctx.global, { projectCache: null });
    await ctx.project();
    expect(existsSync(cacheDir)).toBe(false);
  });
});
