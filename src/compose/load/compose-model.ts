import { dirname, isAbsolute, join } from "node:path";
import { readEnvFiles } from "./dotenv.ts";
import { layeredEnvironment } from "./environment-view.ts";
import { loadError } from "./errors.ts";
import type { SourcePosition, TreePath } from "./errors.ts";
import { interpolateTree } from "./interpolate.ts";
import type { LoaderFs } from "./loader-fs.ts";
import { applyTaggedPaths, mergeResource, mergeTrees } from "./merge.ts";
import { PositionIndex, cloneTree, isPlainObject, setOwn } from "./positions.ts";
import { resolveRelativePaths } from "./resolve-paths.ts";
import { parseComposeYaml } from "./yaml-parse.ts";
import type { ParsedDocument, YamlParseOptions } from "./yaml-parse.ts";

// Turning a list of compose files into one merged, interpolated plain tree: per document,
// interpolate → resolve `include` → apply `!reset`/`!override` to what came before → resolve
// `extends` → merge. This is compose-go's loadYamlModel, with I/O limited to the injected fs.

export interface ModelContext {
  readonly fs: LoaderFs;
  readonly positions: PositionIndex;
  readonly environment: Readonly<Record<string, string>>;
  // Directory that relative `include` paths (and env files) are resolved against: the project
  // directory, or the included project's directory inside an include.
  readonly workingDir: string;
  // Files currently being included, outermost first, to reject include cycles.
  readonly includeChain: readonly string[];
  readonly yaml: YamlParseOptions;
  readonly warn: (message: string) => void;
}

export interface ModelFile {
  readonly path: string;
  // Already parsed documents (the entry point parses main files early for the project name).
  readonly documents?: readonly ParsedDocument[];
}

const IMPORTED_SECTIONS = ["services", "volumes", "networks", "secrets", "configs", "models"] as const;

export async function loadModel(files: readonly ModelFile[], ctx: ModelContext): Promise<Record<string, unknown>> {
  let acc: Record<string, unknown> = {};
  for (const file of files) {
    const docs = file.documents ?? (await readDocuments(file.path, ctx, undefined, []));
    for (const doc of docs) acc = await mergeDocument(acc, doc, ctx);
  }
  return acc;
}

export async function readDocuments(
  file: string,
  ctx: ModelContext,
  referencedAt: SourcePosition | undefined,
  path: TreePath,
): Promise<ParsedDocument[]> {
  let text: string;
  try {
    text = await ctx.fs.readFile(file);
  } catch (err) {
    throw loadError(`cannot read compose file ${file}: ${(err as Error).message}`, referencedAt, path, err);
  }
  return parseComposeYaml(text, file, ctx.positions, ctx.yaml);
}

async function mergeDocument(
  acc: Record<string, unknown>,
  doc: ParsedDocument,
  ctx: ModelContext,
): Promise<Record<string, unknown>> {
  interpolate(doc, ctx);
  await applyIncludes(doc, ctx);
  applyTaggedPaths(acc, doc.tagged);
  await applyExtends(doc.tree, doc.file, doc, ctx, []);
  return mergeTrees(acc, doc.tree, ctx.positions);
}

function interpolate(doc: ParsedDocument, ctx: ModelContext): void {
  const warned = new Set<string>();
  interpolateTree(doc.tree, {
    lookup: (name) => (Object.hasOwn(ctx.environment, name) ? ctx.environment[name] : undefined),
    positions: ctx.positions,
    onUnset: (name) => {
      if (warned.has(name)) return;
      warned.add(name);
      ctx.warn(`The "${name}" variable is not set. Defaulting to a blank string.`);
    },
  });
}

function resolveFrom(dir: string, p: string): string {
  return isAbsolute(p) ? p : join(dir, p);
}

function stringList(value: unknown, what: string, pos: SourcePosition | undefined, path: TreePath): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
  throw loadError(`${what} must be a string or a list of strings`, pos, path);
}

// ---- include

async function applyIncludes(doc: ParsedDocument, ctx: ModelContext): Promise<void> {
  const tree = doc.tree;
  if (!Object.hasOwn(tree, "include")) return;
  const includes = tree["include"];
  const includePos = ctx.positions.get(tree, "include");
  delete tree["include"];
  if (includes === null) return;
  if (!Array.isArray(includes)) throw loadError("`include` must be a list", includePos, ["include"]);
  const chain = [...ctx.includeChain, doc.file];
  for (const [i, raw] of includes.entries()) {
    const where: TreePath = ["include", i];
    const pos = ctx.positions.get(includes, i) ?? includePos;
    const entry = isPlainObject(raw) ? raw : typeof raw === "string" ? { path: raw } : undefined;
    if (entry === undefined) throw loadError("include entry must be a string or a mapping", pos, where);
    if (entry["path"] === undefined || entry["path"] === null) throw loadError("include entry requires `path`", pos, where);
    const paths = stringList(entry["path"], "include path", pos, [...where, "path"]).map((p) =>
      resolveFrom(ctx.workingDir, p),
    );
    const main = paths[0];
    if (main === undefined) throw loadError("include path must not be empty", pos, [...where, "path"]);
    if (chain.includes(main)) {
      throw loadError(`include cycle detected: ${[...chain, main].join(" includes ")}`, pos, where);
    }
    const pd = entry["project_directory"];
    if (pd !== undefined && pd !== null && typeof pd !== "string") {
      throw loadError("project_directory must be a string", pos, [...where, "project_directory"]);
    }
    const projectDir = typeof pd === "string" && pd !== "" ? resolveFrom(ctx.workingDir, pd) : dirname(main);

    let envFiles: string[];
    if (entry["env_file"] === undefined || entry["env_file"] === null) {
      const dflt = join(projectDir, ".env");
      envFiles = (await ctx.fs.exists(dflt)) ? [dflt] : [];
    } else {
      envFiles = [];
      for (const f of stringList(entry["env_file"], "include env_file", pos, [...where, "env_file"])) {
        if (f === "/dev/null") continue;
        const abs = resolveFrom(ctx.workingDir, f);
        if (!(await ctx.fs.exists(abs))) throw loadError(`env file ${abs} not found`, pos, [...where, "env_file"]);
        envFiles.push(abs);
      }
    }
    const fromFiles = await readEnvFiles(envFiles, ctx.environment, ctx.fs);
    // Variables already in the environment win over the included project's .env, as for the main
    // project; layered, not copied, so that only the names interpolation asks for are read.
    const environment = layeredEnvironment([ctx.environment, fromFiles]);

    for (const p of paths) {
      if (!(await ctx.fs.exists(p))) throw loadError(`included file ${p} not found`, pos, [...where, "path"]);
    }
    const imported = await loadModel(
      paths.map((path) => ({ path })),
      { ...ctx, environment, workingDir: projectDir, includeChain: chain },
    );
    resolveRelativePaths(imported, projectDir);
    importResources(imported, doc, ctx.positions);
  }
}

// Resources of an included project join the including file's; when both define one, the
// including file's definition is merged over the included one.
function importResources(imported: Record<string, unknown>, doc: ParsedDocument, positions: PositionIndex): void {
  const target = doc.tree;
  for (const section of IMPORTED_SECTIONS) {
    const from = imported[section];
    if (!isPlainObject(from)) continue;
    let to = target[section];
    if (to === undefined || to === null) {
      to = {};
      setOwn(target, section, to);
      positions.copy(imported, section, target, section);
    }
    if (!isPlainObject(to)) continue; // the validator reports the wrong type
    for (const [name, def] of Object.entries(from)) {
      if (!Object.hasOwn(to, name)) {
        setOwn(to, name, def);
        positions.copy(from, name, to, name);
        continue;
      }
      const local = to[name];
      if (isPlainObject(def) && isPlainObject(local)) {
        applyTaggedPaths(def, doc.tagged, [section, name]);
        setOwn(to, name, mergeResource(def, local, [section, name], positions));
      }
    }
  }
}

// ---- extends

async function applyExtends(
  tree: Record<string, unknown>,
  file: string,
  doc: ParsedDocument | undefined,
  ctx: ModelContext,
  chain: readonly string[],
): Promise<void> {
  const services = tree["services"];
  if (!isPlainObject(services)) return;
  for (const name of Object.keys(services)) {
    await extendService(name, services, file, doc, ctx, chain);
  }
}

async function extendService(
  name: string,
  services: Record<string, unknown>,
  file: string,
  doc: ParsedDocument | undefined,
  ctx: ModelContext,
  chain: readonly string[],
): Promise<unknown> {
  const svc = services[name];
  if (!isPlainObject(svc) || !Object.hasOwn(svc, "extends")) return svc;
  const path: TreePath = ["services", name, "extends"];
  const ext = svc["extends"];
  const pos = ctx.positions.get(svc, "extends");
  let ref: string;
  let refFile: string | undefined;
  if (typeof ext === "string") ref = ext;
  else if (isPlainObject(ext)) {
    if (typeof ext["service"] !== "string") {
      throw loadError(`extends.${name}.service is required`, pos, path);
    }
    ref = ext["service"];
    if (ext["file"] !== undefined && ext["file"] !== null) {
      if (typeof ext["file"] !== "string") throw loadError("extends.file must be a string", pos, [...path, "file"]);
      refFile = ext["file"];
    }
  } else {
    throw loadError("extends must be a service name or a mapping with `service` and optional `file`", pos, path);
  }

  const key = `${file}#${name}`;
  if (chain.includes(key)) {
    const cycle = [...chain, key].map((k) => k.replace(/^.*#/, "")).join(" -> ");
    throw loadError(`circular reference with extends: ${cycle}`, pos, path);
  }

  let baseServices = services;
  let baseFile = file;
  if (refFile !== undefined) {
    baseFile = resolveFrom(dirname(file), refFile);
    const filePos = ctx.positions.get(ext as object, "file") ?? pos;
    if (!(await ctx.fs.exists(baseFile))) {
      throw loadError(`cannot extend service "${name}": file ${baseFile} not found`, filePos, [...path, "file"]);
    }
    const docs = await readDocuments(baseFile, ctx, filePos, [...path, "file"]);
    let baseTree: Record<string, unknown> = {};
    for (const d of docs) {
      interpolate(d, ctx);
      applyTaggedPaths(baseTree, d.tagged);
      baseTree = mergeTrees(baseTree, d.tree, ctx.positions);
    }
    // Paths in the extended file are relative to that file, whoever extends it.
    resolveRelativePaths(baseTree, dirname(baseFile));
    const s = baseTree["services"];
    if (!isPlainObject(s)) {
      throw loadError(`cannot extend service "${name}": ${baseFile} has no services`, filePos, [...path, "file"]);
    }
    baseServices = s;
  }
  if (!Object.hasOwn(baseServices, ref)) {
    throw loadError(`cannot extend service "${name}": service "${ref}" not found in ${baseFile}`, pos, path);
  }
  const base = await extendService(ref, baseServices, baseFile, refFile === undefined ? doc : undefined, ctx, [
    ...chain,
    key,
  ]);

  const local: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(svc)) {
    if (k === "extends") continue;
    setOwn(local, k, v);
    ctx.positions.copy(svc, k, local, k);
  }
  if (!isPlainObject(base)) {
    setOwn(services, name, local);
    return local;
  }
  const source = cloneTree(base, ctx.positions);
  // `!reset` on the extending service removes what it would inherit.
  if (doc !== undefined) applyTaggedPaths(source, doc.tagged, ["services", name]);
  const merged = mergeResource(source, local, ["services", name], ctx.positions);
  setOwn(services, name, merged);
  return merged;
}
