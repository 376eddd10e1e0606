import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDist } from "../../scripts/build/build.ts";

// The point of the project cache is what a hit does not load. Checked on the real bundle: the
// chunks a hit runs (the cache's, and those of the commands that use the project) must not
// statically import the YAML parser, the schema validator or the loader; then the built CLI is
// run twice and the second run is a hit.
const root = fileURLToPath(new URL("../..", import.meta.url));
const pkg = join(root, ".cache", `project-cache-test-${randomBytes(4).toString("hex")}`);
const metafile = join(pkg, "meta.json");
const proj = join(pkg, "proj");
const home = join(pkg, "home");

interface Metafile {
  readonly outputs: Record<string, { readonly entryPoint?: string; readonly imports: readonly { readonly path: string; readonly kind: string; readonly external?: boolean }[]; readonly inputs: Record<string, unknown> }>;
}
let meta: Metafile;

beforeAll(async () => {
  mkdirSync(proj, { recursive: true });
  copyFileSync(join(root, "package.json"), join(pkg, "package.json"));
  writeFileSync(join(pkg, "tstack.mjs"), `const { main } = await import(${JSON.stringify(join(pkg, "dist", "cli", "main.js"))});\nawait main();\n`);
  const services = Array.from({ length: 20 }, (_, i) => `  s${i + 1}: { image: busybox, command: ["sleep", "600"] }\n`).join("");
  writeFileSync(join(proj, "compose.yaml"), `services:\n${services}`);
  writeFileSync(join(proj, ".env"), "TAG=1\n");
  const written = Date.now();
  await buildDist(join(pkg, "dist"), { metafile });
  meta = JSON.parse(readFileSync(metafile, "utf8")) as Metafile;
  // The cache does not trust timestamps younger than 2 s.
  const wait = written + 2500 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}, 60_000);
afterAll(() => rmSync(pkg, { recursive: true, force: true }));

// Every input bundled into the chunks that load when `entry`'s chunk does (static imports only).
function staticInputs(entry: string): string[] {
  const start = Object.keys(meta.outputs).find((o) => meta.outputs[o]?.entryPoint === entry);
  expect(start, `a chunk for ${entry}`).toBeDefined();
  const seen = new Set<string>();
  const todo = [start as string];
  while (todo.length > 0) {
    const o = todo.pop() as string;
    if (seen.has(o)) continue;
    seen.add(o);
    for (const i of meta.outputs[o]?.imports ?? []) if (i.kind === "import-statement" && i.external !== true) todo.push(i.path);
  }
  return [...seen].flatMap((o) => Object.keys(meta.outputs[o]?.inputs ?? {}));
}

const HEAVY = [
  /^node_modules\/yaml\//,
  /^node_modules\/ajv/,
  /^src\/compose\/validate\/(index|compose-schema|schema-validator|semantic-checks)\.ts$/,
  /^src\/compose\/load\/(index|yaml-parse|compose-model|merge|interpolate)\.ts$/,
  /^src\/cli\/project\.ts$/,
];

describe("the project cache in the bundle", () => {
  it("the cache's chunk and every project command's load no parser, validator or loader", () => {
    // `config` prints YAML: it loads the parser anyway, and always loads in full.
    const commands = Object.values(meta.outputs).flatMap((o) => (o.entryPoint !== undefined && /^src\/cli\/commands\/(?!config\.ts)/.test(o.entryPoint) ? [o.entryPoint] : []));
    expect(commands).toEqual(expect.arrayContaining(["src/cli/commands/up.ts", "src/cli/commands/run.ts", "src/cli/commands/ps.ts"]));
    for (const entry of ["src/cli/project-cache.ts", ...commands]) {
      const inputs = staticInputs(entry);
      expect(inputs.length, entry).toBeGreaterThan(0);
      expect(inputs.filter((i) => HEAVY.some((h) => h.test(i))), entry).toEqual([]);
    }
  });

  it("the check sees them where they are", () => {
    expect(staticInputs("src/cli/project.ts").filter((i) => HEAVY.some((h) => h.test(i))).length).toBeGreaterThan(4);
  });

  it("serves the second run from the cache", async () => {
    // An engine address that answers nothing: `ps` loads the project, then fails to connect.
    const env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: home, DOCKER_HOST: `unix://${join(pkg, "no-engine.sock")}` };
    const ps = (extra: Record<string, string> = {}) => execa("node", [join(pkg, "tstack.mjs"), "--debug", "ps"], { cwd: proj, env: { ...env, ...extra }, extendEnv: false, reject: false });
    expect((await ps()).stderr).toMatch(/project cache miss, stored/);
    expect((await ps()).stderr).toMatch(/project cache hit/);
    expect((await ps({ TSTACK_NO_PROJECT_CACHE: "1" })).stderr).not.toMatch(/project cache/);
    writeFileSync(join(proj, ".env"), "TAG=2\n");
    expect((await ps()).stderr).toMatch(/project cache miss/);
  });
});
