import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { randomBytes } from "node:crypto";
import type { ValidateFunction } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corpusFiles, itCorpus } from "../../../test/support/shared-corpus.ts";
import { compileValidator, loadSchema } from "./schema-compile.ts";
import { standaloneValidatorSource } from "./standalone-source.ts";
import { treeFromYaml } from "./test-tree.ts";

// The built command line validates with the schema compiled at build time; the sources compile
// it at run time. Both must give the same verdict and the same errors on every corpus file.
const ROOT = new URL("../../../", import.meta.url).pathname;
const dir = join(ROOT, ".cache", `standalone-test-${randomBytes(4).toString("hex")}`);

let built: ValidateFunction;
const runtime = compileValidator(loadSchema());

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  // Inside the project, so that the module's require() of ajv's runtime helpers resolves.
  const file = join(dir, "validator.mjs");
  const prelude = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);\n";
  writeFileSync(file, prelude + standaloneValidatorSource(loadSchema()));
  built = ((await import(pathToFileURL(file).href)) as { validate: ValidateFunction }).validate;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the schema compiled at build time", () => {
  const files = corpusFiles().filter((f) => /\.ya?ml$/.test(f));
  itCorpus("covers the corpus, valid and negative files alike", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => f.includes("/negative/"))).toBe(true);
  });

  itCorpus("gives the run-time verdict and errors on every corpus file", () => {
    let invalid = 0;
    for (const file of files) {
      let tree: unknown;
      try {
        tree = treeFromYaml(readFileSync(file, "utf8"), { file, interpolate: false }).tree;
      } catch {
        continue; // not parseable YAML: nothing for the schema to see
      }
      const ok = runtime(tree);
      expect(built(tree), file).toBe(ok);
      expect(built.errors ?? null, file).toEqual(runtime.errors ?? null);
      if (!ok) invalid++;
    }
    expect(invalid).toBeGreaterThan(10);
  });

  it("rejects what the schema rejects", () => {
    expect(built({ services: { web: { ports: 80 } } })).toBe(false);
    expect(built({ services: { web: { image: "x" } } })).toBe(true);
  });
});
