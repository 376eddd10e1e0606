import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "vitest";

// The shared corpus of real compose files (compose-go's fixtures and negative cases, the
// compose-spec examples, awesome-compose; see its README) sits beside the checkout in CI, at
// ../shared/corpus, and is not part of the repository. Tests that read it are declared with
// describeCorpus/itCorpus: they run when it is there and are skipped when it is not, and the
// unit project's global setup (shared-corpus-setup.ts) then says so in one line. Nothing here
// throws when it is absent: the listings are empty.

const repoRoot = resolve(import.meta.dirname, "../..");

// TSTACK_CORPUS_DIR is for testing this module's absent path (point it at a missing
// directory), not a way to use another corpus.
export const corpusDir = resolve(repoRoot, process.env["TSTACK_CORPUS_DIR"] ?? "../shared/corpus");
export const corpusPresent = statSync(corpusDir, { throwIfNoEntry: false })?.isDirectory() === true;

export const describeCorpus = describe.skipIf(!corpusPresent);
export const itCorpus = it.skipIf(!corpusPresent);

// Every file under the corpus (or under one of its directories), depth first in directory order.
export function corpusFiles(dir: string = corpusDir): string[] {
  if (!corpusPresent) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? corpusFiles(p) : [p];
  });
}

/** One entry of compose-go/negative/cases.json: a file each loader stage must reject. */
export interface NegativeCase {
  readonly file: string;
  readonly stage: string;
  readonly expect_error_contains: string;
  readonly env?: Readonly<Record<string, string>>;
}

export function corpusNegativeCases(): readonly NegativeCase[] {
  if (!corpusPresent) return [];
  const text = readFileSync(join(corpusDir, "compose-go/negative/cases.json"), "utf8");
  return (JSON.parse(text) as { cases: NegativeCase[] }).cases;
}
