import { readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { expect, it } from "vitest";
import { corpusDir, corpusFiles, corpusNegativeCases, describeCorpus } from "../../../test/support/shared-corpus.ts";
import { parseDotenv } from "./dotenv.ts";
import { ComposeLoadError } from "./errors.ts";
import { loadTree, nodeLoaderFs } from "./index.ts";
import type { LoaderFs, LoadOptions } from "./index.ts";
import { PositionIndex } from "./positions.ts";
import { parseComposeYaml } from "./yaml-parse.ts";

// The shared corpus of real compose files (see its README): valid files must load through
// loadTree, and the negative cases of the stages this loader owns must be rejected with a
// position or key path.
const all = corpusFiles();
const rel = (p: string) => relative(corpusDir, p);

function loadFile(file: string, extra: Partial<LoadOptions> = {}) {
  return loadTree({ workingDir: dirname(file), configFiles: [file], environment: {}, ...extra });
}

async function rejection(promise: Promise<unknown>): Promise<ComposeLoadError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ComposeLoadError);
    return err as ComposeLoadError;
  }
  throw new Error("expected a rejection");
}

// A rejection must say where: file and line, or the key path.
function expectLocated(err: ComposeLoadError): void {
  expect(err.file !== undefined || err.path !== undefined, err.message).toBe(true);
  if (err.file !== undefined && err.line !== undefined) expect(err.message).toContain(`${err.file}:${err.line}`);
  if (err.path !== undefined) expect(err.message).toContain(err.path);
}

const cases = corpusNegativeCases();

// Where our wording differs from compose-go's, the fragment we say instead.
const OUR_WORDING: Record<string, string> = {
  "tab-indentation.yaml": "Tabs are not allowed as indentation",
  "anchor-self-merge-cycle.yaml": "cycle detected",
  "interpolation-invalid-1.yaml": "services.servicea.image: invalid interpolation format",
  "interpolation-invalid-2.yaml": "services.servicea.image: invalid interpolation format",
  "interpolation-invalid-3.yaml": "services.servicea.image: invalid interpolation format",
  "interpolation-invalid-4.yaml": "services.servicea.image: invalid interpolation format",
  "interpolation-invalid-5.yaml": "services.servicea.image: invalid interpolation format",
  "interpolation-invalid-6.yaml": "services.servicea.image: invalid interpolation format",
  "dotenv-no-equals.env": 'unexpected character "$" in variable name',
};
const OURS = new Set(["yaml", "structure", "interpolation", "dotenv"]);

describeCorpus("corpus: compose-go negative cases", () => {
  it("lists every negative file in cases.json", () => {
    const listed = new Set(cases.map((c) => c.file));
    const files = all.filter((f) => rel(f).startsWith("compose-go/negative/") && !f.endsWith("cases.json"));
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) expect(listed.has(rel(f)), rel(f)).toBe(true);
  });

  for (const c of cases.filter((c) => OURS.has(c.stage))) {
    it(`rejects ${c.file} (${c.stage})`, async () => {
      const file = join(corpusDir, c.file);
      const name = basename(file);
      const started = Date.now();
      const err =
        c.stage === "dotenv"
          ? await rejection((async () => parseDotenv(readFileSync(file, "utf8"), file))())
          : await rejection(loadFile(file, { environment: c.env ?? {} }));
      expectLocated(err);
      expect(err.message).toContain(OUR_WORDING[name] ?? c.expect_error_contains);
      if (c.stage === "dotenv") expect(err.message).toMatch(/:1:1: line 1: /);
      expect(Date.now() - started).toBeLessThan(5000);
    });
  }

  // Schema and semantic checks belong to the validator; here they must parse, and if the loader
  // already rejects them it must say where.
  for (const c of cases.filter((c) => !OURS.has(c.stage))) {
    it(`parses ${c.file} (${c.stage}, checked by the validator)`, async () => {
      const file = join(corpusDir, c.file);
      expect(parseComposeYaml(readFileSync(file, "utf8"), file, new PositionIndex()).length).toBe(1);
      try {
        const r = await loadFile(file, { environment: c.env ?? {} });
        expect(typeof r.tree).toBe("object");
      } catch (err) {
        expect(err).toBeInstanceOf(ComposeLoadError);
        expectLocated(err as ComposeLoadError);
      }
    });
  }
});

// Valid files that this loader rejects on purpose, with the reason and the expected message.
const EXPECTED_REJECTIONS: Record<string, { why: string; message: string }> = {
  "compose-spec/examples/build/02.yaml": {
    why: "specification excerpt that declares service `base` twice",
    message: 'mapping key "base" already defined at line 2',
  },
  "compose-go/loader/testdata/compose-include-cycle.yaml": { why: "includes itself", message: "include cycle detected" },
  "compose-go/loader/testdata/empty.yaml": { why: "empty file", message: "empty compose file" },
  "compose-go/loader/testdata/remote/compose.yaml": { why: "n/a", message: "" },
  "compose-go/loader/testdata/remote/cycle/compose.yaml": {
    why: "uses compose-go's test-only `remote:` resource loader",
    message: "remote:cycle/compose-cycle.yaml not found",
  },
  "compose-go/loader/testdata/remote/cycle/compose-cycle.yaml": {
    why: "uses compose-go's test-only `remote:` resource loader",
    message: "remote:cycle/compose.yaml not found",
  },
  "compose-go/loader/testdata/remote/nested/compose.yaml": {
    why: "uses compose-go's test-only `remote:` resource loader",
    message: "remote:nested/compose-nested.yaml not found",
  },
  "compose-go/schema/using-variables.yaml": {
    why: "schema fixture: one ${VARIABLE} used for integer and boolean fields at once, which compose-go's loader rejects too",
    message: "services.foo.deploy.replicas: failed to cast",
  },
};
delete EXPECTED_REJECTIONS["compose-go/loader/testdata/remote/compose.yaml"]; // loads: plain file

// Files the include examples of the specification refer to but do not ship.
function includeStubs(dir: string): LoaderFs {
  const stubs: Record<string, string> = {
    [join(dir, "my-compose-include.yaml")]: "services:\n  serviceB:\n    image: b\n",
    [join(dir, "../commons/compose.yaml")]: "services:\n  common:\n    image: c\n    build: ./ctx\n",
    [join(dir, "commons-override.yaml")]: "services:\n  common:\n    image: c2\n",
    [join(dir, "../another_domain/compose.yaml")]: "services:\n  included-service:\n    image: i\n",
    [join(dir, "../another/compose.yaml")]: "services:\n  another:\n    image: ${ANOTHER_IMAGE}\n",
    [join(dir, "../another/.env")]: "ANOTHER_IMAGE=from-dotenv\n",
    [join(dir, "../another/dev.env")]: "ANOTHER_IMAGE=from-dev-env\n",
  };
  return {
    readFile: async (p) => stubs[p] ?? nodeLoaderFs.readFile(p),
    exists: async (p) => Object.hasOwn(stubs, p) || nodeLoaderFs.exists(p),
  };
}
const INCLUDED_SERVICES: Record<string, Record<string, unknown>> = {
  "01.yaml": { serviceB: { image: "b" } },
  "02.yaml": { "included-service": { image: "i" } },
  "03.yaml": { common: { image: "c", build: resolve(corpusDir, "compose-spec/examples/ctx") } },
  "04.yaml": { common: { image: "c2", build: resolve(corpusDir, "compose-spec/examples/commons/ctx") } },
  "05.yaml": { another: { image: "from-dev-env" } },
};

const validFiles = all
  .filter((f) => /\.ya?ml$/.test(f))
  .map(rel)
  .filter(
    (f) =>
      /^awesome-compose\/[^/]+\/compose\.ya?ml$/.test(f) ||
      f.startsWith("compose-spec/examples/") ||
      f === "compose-go/loader/full-example.yml" ||
      f.startsWith("compose-go/loader/testdata/") ||
      f.startsWith("compose-go/cli/testdata/") ||
      f.startsWith("compose-go/schema/"),
  )
  .sort();

describeCorpus("corpus: valid compose files load", () => {
  it("finds the corpus", () => {
    expect(validFiles.length).toBeGreaterThan(150);
  });

  for (const f of validFiles) {
    const expected = EXPECTED_REJECTIONS[f];
    const file = join(corpusDir, f);
    if (expected !== undefined) {
      it(`rejects ${f}: ${expected.why}`, async () => {
        const err = await rejection(loadFile(file));
        expectLocated(err);
        expect(err.message).toContain(expected.message);
      });
      continue;
    }
    it(`loads ${f}`, async () => {
      const isInclude = f.startsWith("compose-spec/examples/14-include/");
      const r = await loadFile(file, isInclude ? { fs: includeStubs(dirname(file)) } : {});
      expect(r.tree["name"]).toBe(r.projectName);
      expect(r.configFiles).toEqual([file]);
      expect(Object.keys(r.tree).length).toBeGreaterThan(1);
      expect(JSON.parse(JSON.stringify(r.tree))).toEqual(r.tree);
      expect(r.positionOf(["services"])?.file ?? file).toBeTruthy();
      if (isInclude) expect(r.tree["services"]).toMatchObject(INCLUDED_SERVICES[basename(f)] ?? {});
    });
  }

  it("loads the full example with the variables compose-go's tests give it", async () => {
    const r = await loadFile(join(corpusDir, "compose-go/loader/full-example.yml"), {
      environment: { HOME: "/home/foo", QUX: "qux_from_environment" },
    });
    const foo = (r.tree["services"] as Record<string, Record<string, unknown>>)["foo"]!;
    // `QUX:` without a value is resolved from the environment later, by normalisation.
    expect(foo["environment"]).toEqual({ BAZ: "baz_from_service_def", QUX: null });
    expect(JSON.stringify(foo["build"])).toContain("full_example_project_name:1.0.0");
    // YAML 1.1 octal, as compose reads it.
    expect(JSON.stringify(foo["build"])).toContain('"mode":288');
    expect(r.warnings).toEqual([]);
    expect(r.positionOf(["services", "foo", "image"])).toMatchObject({ line: expect.any(Number) });
  });

  it("loads an extends chain across directories relative to each file", async () => {
    const dir = join(corpusDir, "compose-go/loader/testdata");
    const r = await loadFile(join(dir, "compose-test-extends.yaml"), { environment: { SOURCE: "src" } });
    expect((r.tree["services"] as Record<string, unknown>)["importer"]).toEqual({
      image: "nginx",
      container_name: "src",
      env_file: [join(dir, "subdir/extra.env")],
      volumes: ["/opt/data:/var/lib/mysql"],
    });
    const reset = await loadFile(join(dir, "extends/reset.yaml"));
    expect((reset.tree["services"] as Record<string, unknown>)["base"]).toEqual({ image: "alpine:latest" });
  });
});

describeCorpus("corpus: .env files parse", () => {
  const envFiles = all
    .map(rel)
    .filter(
      (f) =>
        (f.endsWith(".env") ||
          /^compose-go\/(cli\/testdata\/env-file\/[^/]*env$|loader\/testdata\/remote\/env$|loader\/example\d\.label$)/.test(f)) &&
        !f.startsWith("compose-go/negative/") &&
        f !== "compose-go/dotenv/fixtures/invalid1.env",
    );
  it("finds them", () => expect(envFiles.length).toBeGreaterThan(15));
  for (const f of envFiles) {
    it(`parses ${f}`, () => {
      const out = parseDotenv(readFileSync(join(corpusDir, f), "utf8"), f, () => undefined);
      expect(typeof out).toBe("object");
    });
  }
  it("rejects dotenv/fixtures/invalid1.env at its line", () => {
    const f = join(corpusDir, "compose-go/dotenv/fixtures/invalid1.env");
    expect(() => parseDotenv(readFileSync(f, "utf8"), f)).toThrow(/invalid1\.env:7:1: line 7: key cannot contain a space/);
  });
});
