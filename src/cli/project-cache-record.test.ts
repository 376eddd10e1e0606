import type { BigIntStats } from "node:fs";
import { describe, expect, it } from "vitest";
import { memoryLoaderFs } from "../compose/load/loader-fs.ts";
import { createLoadRecorder, probeAnswer } from "./project-cache-record.ts";

const statOf = (ino: bigint, file = true) => ({ dev: 1n, ino, size: 3n, mtimeNs: 10n, ctimeNs: 20n, isFile: () => file }) as unknown as BigIntStats;

describe("createLoadRecorder", () => {
  it("notes variables looked up, with their value then, and whether the environment was enumerated", () => {
    const r = createLoadRecorder({ A: "a", U: undefined, B: "b" }, memoryLoaderFs({}), () => false, async () => undefined);
    expect(r.env["A"]).toBe("a");
    expect(Object.hasOwn(r.env, "MISSING")).toBe(false);
    expect("U" in r.env).toBe(true);
    expect(r.recording().variables).toEqual(new Map([["A", "a"], ["MISSING", undefined], ["U", undefined]]));
    expect(r.recording().enumerated).toBe(false);
    expect(Object.keys(r.env)).toEqual(["A", "U", "B"]);
    expect(r.recording().enumerated).toBe(true);
  });

  it("notes reads with the identity taken before the read, and probes with their answer", async () => {
    let ino = 1n;
    const r = createLoadRecorder({}, memoryLoaderFs({ "/a": "aaa", "/b": "bbb" }), (p) => p === "/x", async (p) => (p === "/b" ? undefined : statOf(ino)));
    expect(await r.fs.readFile("/a")).toBe("aaa");
    await r.fs.readFile("/b");
    expect(await r.fs.exists("/a")).toBe(true);
    expect(await r.fs.exists("/nope")).toBe(false);
    expect(r.fileExists("/x")).toBe(true);
    const rec = r.recording();
    expect(rec.reads.get("/a")).toEqual({ dev: "1", ino: "1", size: "3", mtimeNs: "10", ctimeNs: "20" });
    // No identity: the entry will not be stored.
    expect(rec.reads.has("/b")).toBe(true);
    expect(rec.reads.get("/b")).toBeUndefined();
    expect(rec.probes).toEqual([
      { path: "/a", kind: "file", exists: true },
      { path: "/nope", kind: "file", exists: false },
      { path: "/x", kind: "any", exists: true },
    ]);
    // Read again after a change: no stable identity.
    await r.fs.readFile("/a");
    expect(r.recording().reads.get("/a")).toBeDefined();
    ino = 2n;
    await r.fs.readFile("/a");
    expect(r.recording().reads.get("/a")).toBeUndefined();
  });
});

describe("probeAnswer", () => {
  it("answers as LoaderFs.exists (a regular file) or existsSync (anything)", () => {
    expect(probeAnswer("file", statOf(1n, false))).toBe(false);
    expect(probeAnswer("any", statOf(1n, false))).toBe(true);
    expect(probeAnswer("file", undefined)).toBe(false);
    expect(probeAnswer("any", undefined)).toBe(false);
  });
});
