import { readFileSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { expect, it } from "vitest";
import { corpusDir, corpusFiles, describeCorpus } from "../../../test/support/shared-corpus.ts";
import { compileComposeSchema } from "./schema-compile.ts";
import { formatPath } from "./input.ts";
import { treeFromYaml } from "./test-tree.ts";

// The valid files: every YAML file outside the negative directories.
const validYaml = corpusFiles().filter((f) => /\.ya?ml$/.test(f) && !/(^|\/)negative\//.test(relative(corpusDir, f)));

function dotenv(dir: string): Record<string, string> {
  const p = join(dir, ".env");
  if (!existsSync(p)) return {};
  return Object.fromEntries(
    readFileSync(p, "utf8").split("\n").filter((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l)).map((l) => {
      const i = l.indexOf("=");
      return [l.slice(0, i), l.slice(i + 1).replace(/^"(.*)"$/, "$1")];
    }),
  );
}

const check = compileComposeSchema();

// Corpus files that are not compose files on their own, with the reason.
const NOT_STANDALONE: Readonly<Record<string, string>> = {
  "compose-go/loader/testdata/extends/base.yaml": "extends base with an intentionally null service (compose-go loads it unvalidated)",
  "compose-spec/examples/13-merge/01.yaml": "merge-rules illustration with made-up keys",
  "compose-spec/examples/13-merge/02.yaml": "merge-rules illustration with made-up keys",
  "compose-spec/examples/13-merge/03.yaml": "merge-rules illustration with made-up keys",
  "compose-spec/examples/13-merge/04.yaml": "merge-rules illustration with made-up keys (DNS)",
  "compose-spec/examples/13-merge/05.yaml": "merge-rules illustration with made-up keys (DNS)",
  "compose-spec/examples/13-merge/06.yaml": "merge-rules illustration with made-up keys (DNS)",
};
// Validated as written: the file exercises variables in every field and has no values for them.
const RAW = new Set(["compose-go/schema/using-variables.yaml"]);

describeCorpus("schema accepts the valid corpus", () => {
  for (const file of validYaml) {
    const rel = relative(corpusDir, file);
    if (NOT_STANDALONE[rel] !== undefined) continue;
    it(rel, () => {
      const input = treeFromYaml(readFileSync(file, "utf8"), { file, interpolate: !RAW.has(rel), environment: dotenv(dirname(file)) });
      const v = check(input.tree);
      expect(v && `${formatPath(v.path)}: ${v.message}`).toBeUndefined();
    });
  }
});

describeCorpus("schema rejects the not-standalone files for the expected reason", () => {
  it("13-merge fragments use keys that are not compose keys", () => {
    const input = treeFromYaml(readFileSync(join(corpusDir, "compose-spec/examples/13-merge/04.yaml"), "utf8"));
    expect(check(input.tree)).toEqual({ path: ["services", "foo", "DNS"], message: 'additional property "DNS" is not allowed' });
  });
});
