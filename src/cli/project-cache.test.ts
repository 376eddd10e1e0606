import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { globalOptionsOf, type RawGlobalOptions } from "./global-options.ts";
import { loadProjectCached, type CacheOutcome, type ProjectCache } from "./project-cache.ts";
import { fileEntryStore } from "./project-cache-store.ts";
import { loadProject, type LoadedProject, type ProjectLoadInput } from "./project.ts";

const COMPOSE = `services:
  web:
    image: busybox:\${TAG:-latest}
    command: ["sleep", "600"]
    environment: [FROM_HOST]
  debug:
    image: busybox
    profiles: [debug]
`;

let root: string;
let proj: string;
let cacheDir: string;
let loads: number;
let outcomes: CacheOutcome[];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "tstack-pcache-"));
  proj = join(root, "proj");
  cacheDir = join(root, "cache");
  mkdirSync(proj);
  writeFileSync(join(proj, "compose.yaml"), COMPOSE);
  loads = 0;
  outcomes = [];
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

// Files written by a test are seconds old, not the 2 s the racy-timestamp guard asks for: the
// cache's clock runs ahead instead.
function cacheOf(build = "build-1", now = () => Date.now() + 10_000): ProjectCache {
  return {
    store: fileEntryStore({ dir: cacheDir, maxEntries: 64, uid: process.getuid?.(), now }),
    build,
    load: async (input) => {
      loads++;
      return loadProject(input);
    },
    now,
    onOutcome: (o) => outcomes.push(o),
  };
}

function inputOf(env: Record<string, string | undefined> = {}, raw: RawGlobalOptions = {}, services: string[] = []): ProjectLoadInput {
  return { global: globalOptionsOf(raw, {}), cwd: proj, env: { HOME: "/home/u", ...env }, services, hostPlatform: "linux/amd64" };
}

const load = (input: ProjectLoadInput, cache = cacheOf()) => loadProjectCached(input, cache);

// What callers see, in comparable form.
function view(p: LoadedProject) {
  return { project: p.project, warnings: p.warnings, environment: { ...p.environment } };
}

async function expectHitThenMissAfter(change: () => void, input: ProjectLoadInput, inputAfter = input) {
  await load(input);
  await load(input);
  expect(loads).toBe(1);
  change();
  const after = await load(inputAfter);
  expect(loads).toBe(2);
  expect(outcomes.at(-1)?.kind).toBe("miss");
  expect(view(after)).toStrictEqual(view(await loadProject(inputAfter)));
  return after;
}

describe("project cache", () => {
  it("a hit returns what a full load returns, without loading", async () => {
    writeFileSync(join(proj, ".env"), "TAG=1.36\nDOTENV_ONLY=yes\n");
    const input = inputOf({ FROM_HOST: "h" }, {}, []);
    const first = await load(input);
    expect(outcomes).toEqual([{ kind: "miss", stored: true }]);
    const second = await load(input);
    expect(outcomes[1]).toEqual({ kind: "hit" });
    expect(loads).toBe(1);
    const fresh = await loadProject(input);
    expect(view(second)).toStrictEqual(view(fresh));
    expect(view(first)).toStrictEqual(view(fresh));
    expect(second.project.services["web"]?.image).toBe("busybox:1.36");
    expect(second.environment["DOTENV_ONLY"]).toBe("yes");
    expect(second.environment["FROM_HOST"]).toBe("h");
    expect(second.environment["COMPOSE_PROJECT_NAME"]).toBe("proj");
    expect(Object.hasOwn(second.environment, "NOT_THERE")).toBe(false);
  });

  it("keeps warnings, in order", async () => {
    writeFileSync(join(proj, "compose.yaml"), "services:\n  web:\n    image: busybox:${UNSET_TAG}\n    platform: linux/s390x\n");
    const input = inputOf();
    const first = await load(input);
    expect(first.warnings.length).toBe(2);
    const second = await load(input);
    expect(loads).toBe(1);
    expect(second.warnings).toEqual(first.warnings);
  });

  it("stores the names of the variables it read, not the environment nor their values", async () => {
    await load(inputOf({ TAG: "secret-tag-value", UNRELATED_SECRET: "hunter2", FROM_HOST: "x" }));
    const [file] = readdirSync(cacheDir);
    const text = readFileSync(join(cacheDir, file!), "utf8");
    const entry = JSON.parse(text) as { variables: { names: string[] } };
    expect(entry.variables.names).toContain("TAG");
    expect(entry.variables.names).toContain("COMPOSE_PROFILES");
    expect(entry.variables.names).not.toContain("UNRELATED_SECRET");
    expect(text).not.toContain("hunter2");
    // The interpolated image holds the value, as any load result would; the variables part does not.
    expect(JSON.stringify(entry.variables)).not.toContain("secret-tag-value");
    // FROM_HOST is resolved when containers are created, not by the load.
    expect(entry.variables.names).not.toContain("FROM_HOST");
  });

  it("writes a private directory and private files", async () => {
    await load(inputOf());
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(cacheDir)) expect(statSync(join(cacheDir, f)).mode & 0o777).toBe(0o600);
  });

  describe("a miss and a correct result when", () => {
    it("a compose file changes with the same size", async () => {
      const file = join(proj, "compose.yaml");
      const after = await expectHitThenMissAfter(() => {
        writeFileSync(file, COMPOSE.replace("600", "700"));
        utimesSync(file, new Date(2001, 1, 1), new Date(2001, 1, 1));
      }, inputOf());
      expect(after.project.services["web"]?.command).toEqual(["sleep", "700"]);
    });

    it("only the mtime of a compose file changes", async () => {
      const file = join(proj, "compose.yaml");
      await expectHitThenMissAfter(() => utimesSync(file, new Date(2001, 1, 1), new Date(2001, 1, 1)), inputOf());
    });

    it("an override file appears next to it", async () => {
      const after = await expectHitThenMissAfter(
        () => writeFileSync(join(proj, "compose.override.yaml"), "services:\n  web:\n    image: override\n"),
        inputOf(),
      );
      expect(after.project.services["web"]?.image).toBe("override");
    });

    it("a .env appears", async () => {
      const after = await expectHitThenMissAfter(() => writeFileSync(join(proj, ".env"), "TAG=from-dotenv\n"), inputOf());
      expect(after.project.services["web"]?.image).toBe("busybox:from-dotenv");
      expect(after.environment["TAG"]).toBe("from-dotenv");
    });

    it("the .env changes", async () => {
      writeFileSync(join(proj, ".env"), "TAG=one\n");
      const after = await expectHitThenMissAfter(() => writeFileSync(join(proj, ".env"), "TAG=two-two\n"), inputOf());
      expect(after.project.services["web"]?.image).toBe("busybox:two-two");
    });

    it("a compose file appears in a nearer directory", async () => {
      const sub = join(proj, "sub");
      mkdirSync(sub);
      const input = { ...inputOf(), cwd: sub };
      const after = await expectHitThenMissAfter(() => writeFileSync(join(sub, "compose.yaml"), "services:\n  other:\n    image: o\n"), input);
      expect(Object.keys(after.project.services)).toEqual(["other"]);
    });

    it("an interpolated variable changes", async () => {
      const after = await expectHitThenMissAfter(() => undefined, inputOf({ TAG: "1" }), inputOf({ TAG: "2" }));
      expect(after.project.services["web"]?.image).toBe("busybox:2");
    });

    it("an interpolated variable is unset", async () => {
      const after = await expectHitThenMissAfter(() => undefined, inputOf({ TAG: "1" }), inputOf({ TAG: undefined }));
      expect(after.project.services["web"]?.image).toBe("busybox:latest");
    });

    it("COMPOSE_PROFILES changes", async () => {
      const after = await expectHitThenMissAfter(() => undefined, inputOf(), inputOf({ COMPOSE_PROFILES: "debug" }));
      expect(Object.keys(after.project.services).sort()).toEqual(["debug", "web"]);
    });

    it("-f changes", async () => {
      writeFileSync(join(proj, "other.yaml"), "services:\n  other:\n    image: o\n");
      const after = await expectHitThenMissAfter(() => undefined, inputOf(), inputOf({}, { file: ["other.yaml"] }));
      expect(Object.keys(after.project.services)).toEqual(["other"]);
    });

    it("-p changes", async () => {
      const after = await expectHitThenMissAfter(() => undefined, inputOf(), inputOf({}, { projectName: "named" }));
      expect(after.project.name).toBe("named");
      expect(after.environment["COMPOSE_PROJECT_NAME"]).toBe("named");
    });

    it("--profile changes", async () => {
      const after = await expectHitThenMissAfter(() => undefined, inputOf(), inputOf({}, { profile: ["debug"] }));
      expect(Object.keys(after.project.services).sort()).toEqual(["debug", "web"]);
    });

    it("the services named on the command line change", async () => {
      const after = await expectHitThenMissAfter(() => undefined, inputOf(), inputOf({}, {}, ["debug"]));
      expect(Object.keys(after.project.services)).toEqual(["debug"]);
    });

    it("the build changes", async () => {
      const input = inputOf();
      await load(input, cacheOf("build-1"));
      await load(input, cacheOf("build-1"));
      expect(loads).toBe(1);
      await load(input, cacheOf("build-2"));
      expect(loads).toBe(2);
    });

    it("the entry is corrupt", async () => {
      await expectHitThenMissAfter(() => {
        for (const f of readdirSync(cacheDir)) writeFileSync(join(cacheDir, f), '{"format":1,"key":');
      }, inputOf());
      // The miss replaced it.
      await load(inputOf());
      expect(loads).toBe(2);
    });

    it("the entry has the wrong shape", async () => {
      await expectHitThenMissAfter(() => {
        for (const f of readdirSync(cacheDir)) {
          const e = JSON.parse(readFileSync(join(cacheDir, f), "utf8")) as Record<string, unknown>;
          writeFileSync(join(cacheDir, f), JSON.stringify({ ...e, files: [{ path: 1 }] }));
        }
      }, inputOf());
    });

    it("a required env_file the validator checked disappears", async () => {
      writeFileSync(join(proj, "compose.yaml"), "services:\n  web:\n    image: busybox\n    env_file: [vars.env]\n");
      writeFileSync(join(proj, "vars.env"), "A=1\n");
      const input = inputOf();
      await load(input);
      await load(input);
      expect(loads).toBe(1);
      rmSync(join(proj, "vars.env"));
      await expect(load(input)).rejects.toThrow(/vars\.env not found/);
      expect(loads).toBe(2);
    });
  });

  it("does not store files changed within the racy window", async () => {
    const input = inputOf();
    await load(input, cacheOf("b", () => Date.now()));
    expect(outcomes[0]).toMatchObject({ kind: "miss", stored: false, reason: expect.stringMatching(/changed too recently/) });
    await load(input, cacheOf("b", () => Date.now()));
    expect(loads).toBe(2);
  });

  it("never caches a compose file read from stdin", async () => {
    const input = { ...inputOf({}, { file: ["-"] }), readStdin: async () => "services:\n  s:\n    image: x\n" };
    await load(input);
    await load(input);
    expect(loads).toBe(2);
    expect(outcomes.map((o) => o.kind)).toEqual(["bypass", "bypass"]);
  });

  it("does not fail the command when the cache cannot be written", async () => {
    writeFileSync(cacheDir, "a file where the directory should be");
    const p = await load(inputOf());
    expect(p.project.services["web"]).toBeDefined();
    expect(outcomes[0]).toMatchObject({ kind: "miss" });
  });

  it("keeps a bounded number of entries, dropping the least recently used", async () => {
    const now = () => Date.now() + 10_000;
    const store = fileEntryStore({ dir: cacheDir, maxEntries: 3, uid: undefined, now });
    for (const k of ["a", "b", "c"]) await store.write(k, { k });
    // Older mtimes for a and b; then reading "a" makes it recent again.
    utimesSync(join(cacheDir, "a.json"), new Date(2001, 1, 1), new Date(2001, 1, 1));
    utimesSync(join(cacheDir, "b.json"), new Date(2002, 1, 1), new Date(2002, 1, 1));
    expect(await store.read("a")).toEqual({ k: "a" });
    await store.write("d", { k: "d" });
    expect(readdirSync(cacheDir).sort()).toEqual(["a.json", "c.json", "d.json"]);
  });

  it("ignores entries others could have written", async () => {
    const store = fileEntryStore({ dir: cacheDir, maxEntries: 3, uid: undefined, now: Date.now });
    await store.write("a", { k: "a" });
    const { chmodSync } = await import("node:fs");
    chmodSync(join(cacheDir, "a.json"), 0o666);
    expect(await store.read("a")).toBeUndefined();
    const other = fileEntryStore({ dir: cacheDir, maxEntries: 3, uid: (process.getuid?.() ?? 0) + 1, now: Date.now });
    chmodSync(join(cacheDir, "a.json"), 0o600);
    expect(await other.read("a")).toBeUndefined();
  });
});
