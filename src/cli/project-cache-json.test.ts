import { dirname, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { corpusDir, corpusFiles, describeCorpus } from "../../test/support/shared-corpus.ts";
import { configHash, type Project } from "../compose/model/index.ts";
import { globalOptionsOf } from "./global-options.ts";
import { loadProject } from "./project.ts";
import { jsonRoundTripIssue } from "./project-cache-json.ts";

describe("jsonRoundTripIssue", () => {
  it("accepts plain JSON data", () => {
    expect(jsonRoundTripIssue({ a: [1, "x", null, true, { b: -1.5 }], c: {} })).toBeUndefined();
  });
  it("names what would not survive, and where", () => {
    expect(jsonRoundTripIssue({ a: { b: undefined } })).toBe("$.a.b: undefined is dropped");
    expect(jsonRoundTripIssue({ a: [1, undefined] })).toBe("$.a[1]: undefined is dropped");
    expect(jsonRoundTripIssue([1, , 2])).toBe("$[1]: a hole becomes null");
    expect(jsonRoundTripIssue({ n: Number.NaN })).toBe("$.n: NaN becomes null");
    expect(jsonRoundTripIssue({ n: -0 })).toBe("$.n: -0 becomes 0");
    expect(jsonRoundTripIssue({ n: 1n })).toBe("$.n: a bigint has no JSON form");
    expect(jsonRoundTripIssue({ m: new Map() })).toMatch(/^\$\.m: not a plain object/);
    expect(jsonRoundTripIssue({ d: new Date(0) })).toMatch(/^\$\.d: not a plain object/);
    expect(jsonRoundTripIssue({ "a b": Object.create(null) })).toMatch(/^\$\["a b"\]: not a plain object/);
    expect(jsonRoundTripIssue({ [Symbol("s")]: 1 })).toBe("$: symbol keys are dropped");
    expect(jsonRoundTripIssue(Object.assign([1], { extra: 2 }))).toBe("$.extra: a named member of an array is dropped");
  });
});

// Every valid file of the shared corpus, loaded as the CLI loads it, must come back from JSON
// exactly (the project cache stores JSON) and keep its config hashes.
const files = corpusFiles()
  .filter((f) => /\.ya?ml$/.test(f))
  .filter((f) => {
    const r = relative(corpusDir, f);
    return /^awesome-compose\/[^/]+\/compose\.ya?ml$/.test(r) || r.startsWith("compose-spec/examples/") || r.startsWith("compose-go/loader/") || r.startsWith("compose-go/cli/testdata/") || r.startsWith("compose-go/schema/");
  })
  .sort();
// The variables compose-go's tests give these files (see src/compose/load/corpus.test.ts).
const ENV: Record<string, Record<string, string>> = {
  "compose-go/loader/full-example.yml": { HOME: "/home/foo", QUX: "qux_from_environment" },
  "compose-go/loader/testdata/compose-test-extends.yaml": { SOURCE: "src" },
};

async function tryLoad(file: string): Promise<Project | undefined> {
  const env = { HOME: "/home/u", ...ENV[relative(corpusDir, file)] };
  try {
    return (await loadProject({ global: globalOptionsOf({ file: [file] }, {}), cwd: dirname(file), env, hostPlatform: "linux/amd64" })).project;
  } catch {
    return undefined; // invalid on purpose, or a fragment: the loader's and validator's tests cover those
  }
}

describeCorpus("corpus projects survive a JSON round trip", () => {
  it("finds the corpus", () => expect(files.length).toBeGreaterThan(150));
  let loaded = 0;
  for (const f of files) {
    it(relative(corpusDir, f), async () => {
      const project = await tryLoad(f);
      if (project === undefined) return;
      loaded++;
      expect(jsonRoundTripIssue(project)).toBeUndefined();
      const back = JSON.parse(JSON.stringify(project)) as Project;
      expect(back).toStrictEqual(project);
      for (const [name, svc] of Object.entries(project.services)) expect(configHash(back.services[name]!), name).toBe(configHash(svc));
    });
  }
  it("loaded most of them", () => expect(loaded).toBeGreaterThan(100));
});
