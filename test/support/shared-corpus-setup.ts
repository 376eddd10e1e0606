import { readFile } from "node:fs/promises";
import type { TestProject } from "vitest/node";
import { corpusDir, corpusPresent } from "./shared-corpus.ts";

// Global setup of the unit project: when the shared corpus is not beside the checkout, say once
// which tests are skipped and why, rather than leaving it to a count of skipped tests.
export default async function setup(project: TestProject): Promise<void> {
  if (corpusPresent) return;
  const { testFiles } = await project.globTestFiles();
  const texts = await Promise.all(testFiles.map((f) => readFile(f, "utf8")));
  const users = texts.filter((t) => t.includes("/test/support/shared-corpus.ts")).length;
  process.stderr.write(
    `corpus tests skipped: ${corpusDir} is absent (it comes with the project's CI, not with a clone); ${users} files' corpus cases not run\n`,
  );
}
