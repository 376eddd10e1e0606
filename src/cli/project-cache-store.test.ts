import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { projectCacheSettingsOf } from "./project-cache.ts";
import { buildIdentityOf, projectCacheDirOf } from "./project-cache-store.ts";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "tstack-pcache-store-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("projectCacheDirOf", () => {
  it("follows XDG_CACHE_HOME, else ~/.cache", () => {
    expect(projectCacheDirOf({ XDG_CACHE_HOME: "/x/cache", HOME: "/home/u" })).toBe("/x/cache/tstack/projects");
    expect(projectCacheDirOf({ HOME: "/home/u" })).toBe("/home/u/.cache/tstack/projects");
    // A relative XDG_CACHE_HOME is to be ignored.
    expect(projectCacheDirOf({ XDG_CACHE_HOME: "rel", HOME: "/home/u" })).toBe("/home/u/.cache/tstack/projects");
    expect(projectCacheDirOf({})).toBeUndefined();
  });

  it("is off with TSTACK_NO_PROJECT_CACHE", () => {
    expect(projectCacheDirOf({ HOME: "/home/u", TSTACK_NO_PROJECT_CACHE: "1" })).toBeUndefined();
    expect(projectCacheDirOf({ HOME: "/home/u", TSTACK_NO_PROJECT_CACHE: "0" })).toBe("/home/u/.cache/tstack/projects");
  });
});

describe("the build identity", () => {
  it("is the bundle's stamp", async () => {
    mkdirSync(join(root, "dist", "cli"), { recursive: true });
    writeFileSync(join(root, "dist", ".build-stamp"), "2025-01-01T00:00:00.000Z\n");
    const chunk = pathToFileURL(join(root, "dist", "cli", "project-cache-ABC.js")).href;
    expect(await buildIdentityOf(chunk)).toBe("2025-01-01T00:00:00.000Z");
    expect(await projectCacheSettingsOf({ HOME: "/home/u" }, chunk)).toEqual({ dir: "/home/u/.cache/tstack/projects", build: "2025-01-01T00:00:00.000Z" });
    expect(await projectCacheSettingsOf({ HOME: "/home/u", TSTACK_NO_PROJECT_CACHE: "1" }, chunk)).toBeUndefined();
  });

  it("is absent without a stamp, and when running from the sources (no cache then)", async () => {
    expect(await buildIdentityOf(pathToFileURL(join(root, "dist", "cli", "x.js")).href)).toBeUndefined();
    mkdirSync(join(root, "src"));
    writeFileSync(join(root, "src", ".build-stamp"), "stamp");
    expect(await buildIdentityOf(pathToFileURL(join(root, "src", "cli", "project-cache.ts")).href)).toBeUndefined();
    // This very test runs from the sources.
    expect(await projectCacheSettingsOf({ HOME: "/home/u" })).toBeUndefined();
  });
});
