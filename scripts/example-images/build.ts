import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { assembleImage, offeredVersions, type BuiltImage } from "./assemble-image.ts";
import { execaRunner, openAptSource, type PackageSource, type RunCommand } from "./debian-packages.ts";
import { exampleImageRef, pushImage } from "./push-image.ts";
import { exampleRecipes, type ImageName } from "./recipes.ts";
import { DEFAULT_REGISTRY_ADDR, startExampleRegistry } from "./registry.ts";

// Builds the three images of examples/microservices from Debian packages and the example's
// files, and pushes them to a (loopback) registry. Offline after the first run: .deb files
// and finished layouts are cached under .cache/.

export const REPO_ROOT = resolve(import.meta.dirname, "../..");

export interface BuildOptions {
  readonly exampleDir?: string;
  readonly cacheDir?: string;
  readonly busybox?: string;
  readonly only?: readonly ImageName[];
  readonly rebuild?: boolean;
  readonly run?: RunCommand;
  readonly log?: (line: string) => void;
}

export interface TimedImage extends BuiltImage {
  readonly seconds: number;
}

export async function buildExampleImages(options: BuildOptions = {}): Promise<readonly TimedImage[]> {
  const cacheDir = options.cacheDir ?? join(REPO_ROOT, ".cache");
  const run = options.run ?? execaRunner;
  const log = options.log ?? (() => undefined);
  const debs = join(cacheDir, "example-debs");
  await mkdir(debs, { recursive: true });
  let source: Promise<PackageSource> | undefined;
  const ctx = {
    cacheDir,
    busybox: options.busybox ?? "/bin/busybox",
    run,
    log,
    rebuild: options.rebuild ?? false,
    packages: () => (source ??= openAptSource({ cacheDir: debs, run, log })),
  };
  const recipes = exampleRecipes(options.exampleDir ?? join(REPO_ROOT, "examples/microservices")).filter(
    (r) => !options.only || options.only.includes(r.name),
  );
  const offered = await offeredVersions(run, [...new Set(recipes.flatMap((r) => r.packages))]);
  // One at a time: apt-get downloads into one shared cache directory.
  const out: TimedImage[] = [];
  for (const r of recipes) {
    const t0 = performance.now();
    const img = await assembleImage(r, { ...ctx, offered });
    out.push({ ...img, seconds: (performance.now() - t0) / 1000 });
  }
  return out;
}

export async function pushExampleImages(images: readonly BuiltImage[], registry: string, run: RunCommand = execaRunner): Promise<readonly string[]> {
  return Promise.all(
    images.map(async (img) => {
      const ref = exampleImageRef(registry, img.name);
      await pushImage(run, img.layout, img.name, ref);
      return ref;
    }),
  );
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}

async function main(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      "no-push": { type: "boolean", default: false },
      "start-registry": { type: "boolean", default: false },
      rebuild: { type: "boolean", default: false },
      only: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(
      [
        "usage: node --import tsx scripts/example-images/build.ts [REGISTRY] [options]",
        `  REGISTRY           host:port to push to (default ${DEFAULT_REGISTRY_ADDR})`,
        "  --start-registry   start the example's loopback registry there if none answers",
        "  --no-push          only build (layouts under .cache/example-images/)",
        "  --rebuild          ignore cached layouts",
        "  --only a,b         only these images (frontend, backend, db)",
      ].join("\n"),
    );
    return;
  }
  const registry = positionals[0] ?? DEFAULT_REGISTRY_ADDR;
  const only = values.only?.split(",").map((s) => s.trim()) as ImageName[] | undefined;
  const t0 = performance.now();
  const images = await buildExampleImages({ rebuild: values.rebuild, log: (l) => console.log(l), ...(only ? { only } : {}) });
  for (const img of images) {
    console.log(
      `${img.name.padEnd(8)} ${img.cached ? "cached" : "built "} ${img.seconds.toFixed(1).padStart(5)}s  ` +
        `${formatBytes(img.compressedBytes).padStart(10)} compressed  ${formatBytes(img.unpackedBytes).padStart(10)} unpacked  ${img.digest}`,
    );
  }
  if (!values["no-push"]) {
    if (values["start-registry"]) {
      const r = await startExampleRegistry({ dir: join(REPO_ROOT, ".cache/example-registry"), addr: registry });
      console.log(r.started ? `started registry on ${r.addr} (pid ${r.pid})` : `registry already answering on ${r.addr}`);
    }
    for (const ref of await pushExampleImages(images, registry)) console.log(`pushed ${ref}`);
  }
  console.log(`done in ${((performance.now() - t0) / 1000).toFixed(1)}s`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`example-images: ${err instanceof Error ? err.message : String(err)}`);
    if (err instanceof Error && err.cause) console.error(String((err.cause as { stderr?: string }).stderr ?? err.cause));
    process.exitCode = 1;
  });
}
