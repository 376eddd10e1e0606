// `npm run build`: the command line and the engine as one bundled ES module set under dist/.
//
//   dist/cli/main.js        entry (bin/tstack.js imports it), chunks beside it (commands load lazily)
//   dist/cli/*-worker.js    worker thread entries
//   dist/.build-stamp       bin/tstack.js runs dist only when this is newer than every source
//
// Bundling matters for start-up: one file per command instead of ~200 modules resolved and
// compiled on each run, and the compose schema compiled ahead of time (standalone-source.ts).
// Type checking is `npm run typecheck`'s job; esbuild only strips types.
import { readFile, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { standaloneValidatorSource } from "../../src/compose/validate/standalone-source.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

// compose-schema.ts → the schema compiled now, behind the same export.
const precompiledSchema: Plugin = {
  name: "precompiled-schema",
  setup(b) {
    b.onLoad({ filter: /[/\\]compose[/\\]validate[/\\]compose-schema\.ts$/ }, async () => {
      const schema = JSON.parse(await readFile(`${root}/schema/compose-spec.json`, "utf8")) as object;
      const contents = `${standaloneValidatorSource(schema)}export function composeSchemaValidator() { return validate; }\n`;
      return { contents, loader: "js", resolveDir: root };
    });
  },
};

// Some dependencies require, at their load, modules that only rarely used features need:
// commander node:child_process (for executable subcommands, which tstack has none of; ~3 ms with
// the dgram and net modules it loads). Each is bundled behind a proxy that loads it on first
// use, so every command stops paying for them at start-up.
const LAZY_REQUIRES: readonly { readonly importer: RegExp; readonly modules: readonly string[] }[] = [
  { importer: /[/\\]node_modules[/\\]commander[/\\]/, modules: ["node:child_process"] },
];
const lazyRequires: Plugin = {
  name: "lazy-requires",
  setup(b) {
    const names = LAZY_REQUIRES.flatMap((l) => l.modules);
    const filter = new RegExp(`^(${names.map((n) => n.replace(/[/.]/g, "\\$&")).join("|")})$`);
    b.onResolve({ filter }, (args) =>
      args.namespace === "file" && LAZY_REQUIRES.some((l) => l.importer.test(args.importer) && l.modules.includes(args.path))
        ? { path: args.path, namespace: "lazy-dep", pluginData: { resolveDir: args.resolveDir } }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lazy-dep" }, (args) => ({
      contents: `let real;
const load = () => (real ??= require(${JSON.stringify(args.path)}));
module.exports = new Proxy(function () {}, {
  get: (_t, key) => load()[key],
  has: (_t, key) => key in load(),
  apply: (_t, self, argv) => Reflect.apply(load(), self, argv),
  construct: (_t, argv) => Reflect.construct(load(), argv),
});
`,
      loader: "js",
      resolveDir: (args.pluginData as { resolveDir: string }).resolveDir,
    }));
  },
};

export async function buildDist(outdir = `${root}/dist`, opts: { metafile?: string } = {}): Promise<void> {
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    // Worker threads are entries of their own, beside the chunks (module-worker.ts finds them).
    entryPoints: { "cli/main": "src/cli/main.ts", "cli/spawn-worker": "src/common/spawn/spawn-worker.ts", "cli/fs-batch-worker": "src/runtime/snapshot/fs-batch-worker.ts" },
    outdir,
    // Chunks sit beside the entry so that import.meta.url-relative paths (../../package.json)
    // mean the same from every chunk.
    chunkNames: "cli/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
    // Bundled CommonJS dependencies (commander, yaml) call require() for Node's own modules. Made on first use:
    // createRequire in each of the ~20 chunks a command loads cost ~1 ms of its start.
    banner: {
      js: "import { createRequire as __tstackCreateRequire } from 'node:module'; let __tstackRequire; const require = (id) => (__tstackRequire ??= __tstackCreateRequire(import.meta.url))(id);",
    },
    // Not minified: measured slower to start (V8 compiles parenthesised functions eagerly).
    plugins: [precompiledSchema, lazyRequires],
    metafile: opts.metafile !== undefined,
  });
  // What each chunk holds (esbuild's metafile), to see what a command loads.
  if (opts.metafile !== undefined) await writeFile(opts.metafile, JSON.stringify(result.metafile));
  await writeFile(`${outdir}/.build-stamp`, `${new Date().toISOString()}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const meta = process.argv.indexOf("--metafile");
  await buildDist(undefined, meta >= 0 ? { metafile: process.argv[meta + 1] ?? "dist-meta.json" } : {});
}
