import { createHash } from "node:crypto";
import { chmod, chown, copyFile, mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { OciLayoutWriter, hostArch } from "../../test/fixtures/oci-layout-builder.ts";
import { normaliseTimes, writeBaseRootfs } from "./base-rootfs.ts";
import { resolvePackageClosure } from "./closure.ts";
import { parseMadison, type PackageSource, type RunCommand } from "./debian-packages.ts";
import type { ImageName, ImageRecipe } from "./recipes.ts";

// Turns a recipe into a one-image OCI layout with three layers — busybox base, Debian
// packages, the example's files — so that editing server.js rebuilds a few kilobytes and
// the base layer is one shared blob. Layouts are cached under <cacheDir>/example-images/
// <name>/<input hash>/: a hit costs one `apt-cache madison` and a few file hashes.

// Bump when the layout of the output changes in a way the hashed sources do not show.
const FORMAT_VERSION = 1;
// Every file in every layer gets this mtime, so unchanged inputs give unchanged digests.
const EPOCH = Date.UTC(2026, 0, 1) / 1000;

export interface AssembleContext {
  readonly cacheDir: string; // the repository's .cache
  readonly busybox: string; // Debian's static busybox, /bin/busybox
  readonly run: RunCommand;
  readonly packages: () => Promise<PackageSource>; // opened only on a cache miss
  readonly log: (line: string) => void;
  readonly rebuild?: boolean;
  // Versions apt offers now, when the caller already asked (one `apt-cache madison` costs ~1 s here).
  readonly offered?: ReadonlyMap<string, string>;
}

export interface BuiltImage {
  readonly name: ImageName;
  readonly layout: string; // OCI layout directory holding one tag, `name`
  readonly digest: string; // of the image manifest
  readonly inputHash: string;
  readonly packages: readonly string[]; // name=version, as installed into the image
  readonly compressedBytes: number; // manifest, config and layer blobs
  readonly unpackedBytes: number; // the layers' files
  readonly cached: boolean;
}

export async function assembleImage(recipe: ImageRecipe, ctx: AssembleContext): Promise<BuiltImage> {
  const inputHash = await recipeHash(recipe, ctx);
  const home = join(ctx.cacheDir, "example-images", recipe.name);
  const done = join(home, inputHash);
  if (!ctx.rebuild) {
    const hit = await readFile(join(done, "image.json"), "utf8").then(
      (t) => JSON.parse(t) as Omit<BuiltImage, "cached" | "layout">,
      () => undefined,
    );
    if (hit) return { ...hit, layout: join(done, "layout"), cached: true };
  }

  const work = join(home, `build-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  try {
    const base = join(work, "base");
    await writeBaseRootfs(base, ctx.busybox, ctx.run);
    await normaliseTimes(base, EPOCH);
    const layers = [base];

    let installed: readonly string[] = [];
    if (recipe.packages.length > 0) {
      ctx.log(`${recipe.name}: resolving ${recipe.packages.join(" ")}`);
      const pkgs = await resolvePackageClosure(await ctx.packages(), recipe.packages, ctx.log);
      installed = pkgs.map((p) => `${p.name}=${p.version}`).sort();
      const dir = join(work, "packages");
      await mkdir(dir, { recursive: true });
      // cp -a keeps owners, modes and symlinks exactly as dpkg-deb unpacked them.
      for (const p of pkgs) await ctx.run("cp", ["-a", `${p.root}/.`, `${dir}/`]);
      for (const ex of recipe.exclude) await rm(join(dir, ex), { recursive: true, force: true });
      await normaliseTimes(dir, EPOCH);
      layers.push(dir);
    }

    const app = join(work, "app");
    await writeAppLayer(app, recipe);
    await normaliseTimes(app, EPOCH);
    layers.push(app);

    ctx.log(`${recipe.name}: writing layers`);
    const writer = await OciLayoutWriter.create(join(work, "layout"));
    const digest = await writer.tag(recipe.name, [{ architecture: hostArch(), layers, config: recipe.config }]);
    const built = {
      name: recipe.name,
      digest,
      inputHash,
      packages: installed,
      compressedBytes: await treeBytes(join(work, "layout", "blobs")),
      unpackedBytes: (await Promise.all(layers.map(treeBytes))).reduce((a, b) => a + b, 0),
    };
    await rm(done, { recursive: true, force: true });
    await mkdir(done, { recursive: true });
    await rename(join(work, "layout"), join(done, "layout"));
    await writeFile(join(done, "image.json"), `${JSON.stringify(built, null, 2)}\n`);
    // Older builds of this image are never used again.
    for (const e of await readdir(home)) if (e !== inputHash && !e.startsWith("build-")) await rm(join(home, e), { recursive: true, force: true });
    return { ...built, layout: join(done, "layout"), cached: false };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function writeAppLayer(dir: string, recipe: ImageRecipe): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const d of recipe.dirs) {
    const p = join(dir, d.target);
    await mkdir(p, { recursive: true });
    await chmod(p, d.mode);
    await chown(p, d.uid, d.gid);
  }
  for (const f of recipe.files) {
    const p = join(dir, f.target);
    await mkdir(dirname(p), { recursive: true });
    if (f.source.kind === "file") await copyFile(f.source.path, p);
    else await writeFile(p, f.source.text);
    await chmod(p, f.mode);
    await chown(p, f.uid ?? 0, f.gid ?? 0);
  }
}

// Everything that decides the image's bytes: the recipe, the contents of its files, the
// busybox binary, the package versions apt offers now, and this builder's own source.
export async function recipeHash(recipe: ImageRecipe, ctx: Pick<AssembleContext, "busybox" | "run" | "offered">): Promise<string> {
  const h = createHash("sha256");
  const add = (label: string, data: string | Uint8Array) => h.update(`${label}\0`).update(data).update("\0");
  add("format", String(FORMAT_VERSION));
  add("arch", hostArch());
  add("recipe", JSON.stringify({ ...recipe, files: recipe.files.map((f) => ({ ...f, source: f.source.kind })) }));
  for (const f of recipe.files) add(`file ${f.target}`, f.source.kind === "file" ? await readFile(f.source.path) : f.source.text);
  add("busybox", await readFile(ctx.busybox));
  if (recipe.packages.length > 0) {
    const offered = ctx.offered ?? (await offeredVersions(ctx.run, recipe.packages));
    add("packages", JSON.stringify(recipe.packages.map((p) => [p, offered.get(p) ?? "unavailable"])));
  }
  for (const [name, text] of await builderSources()) add(`builder ${name}`, text);
  return h.digest("hex").slice(0, 16);
}

export async function offeredVersions(run: RunCommand, packages: readonly string[]): Promise<ReadonlyMap<string, string>> {
  if (packages.length === 0) return new Map();
  const arch = (await run("dpkg", ["--print-architecture"])).trim();
  return parseMadison(await run("apt-cache", ["madison", ...packages]), arch);
}

async function builderSources(): Promise<readonly [string, Buffer][]> {
  const here = dirname(fileURLToPath(import.meta.url));
  // The command-line and registry edges do not shape the image.
  const edges = new Set(["build.ts", "registry.ts", "push-image.ts"]);
  const names = (await readdir(here)).filter((n) => n.endsWith(".ts") && !n.endsWith(".test.ts") && !edges.has(n)).sort();
  const out: [string, Buffer][] = [];
  for (const n of names) out.push([n, await readFile(join(here, n))]);
  out.push(["oci-layout-builder.ts", await readFile(join(here, "../../test/fixtures/oci-layout-builder.ts"))]);
  return out;
}

async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).size;
  }
  return total;
}
