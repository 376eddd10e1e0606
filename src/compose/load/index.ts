import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { notFound } from "../../common/errors.ts";
import { loadModel } from "./compose-model.ts";
import type { ModelFile } from "./compose-model.ts";
import { discoverComposeFiles } from "./discover.ts";
import { readEnvFiles } from "./dotenv.ts";
import { layeredEnvironment } from "./environment-view.ts";
import { ComposeLoadError, loadError } from "./errors.ts";
import type { SourcePosition, TreePath } from "./errors.ts";
import { nodeLoaderFs } from "./loader-fs.ts";
import type { LoaderFs } from "./loader-fs.ts";
import { PositionIndex, setOwn } from "./positions.ts";
import { resolveProjectName } from "./project-name.ts";
import { TemplateError, substitute } from "./template.ts";
import { parseComposeYaml } from "./yaml-parse.ts";
import type { ParsedDocument } from "./yaml-parse.ts";

export { ComposeLoadError, formatPath } from "./errors.ts";
export type { SourcePosition, TreePath } from "./errors.ts";
export { parseDotenv, readEnvFiles } from "./dotenv.ts";
export { layeredEnvironment } from "./environment-view.ts";
export type { LoaderFs } from "./loader-fs.ts";
export { memoryLoaderFs, nodeLoaderFs } from "./loader-fs.ts";
export { normalizeProjectName } from "./project-name.ts";

export interface LoadOptions {
  readonly workingDir: string; // where the user ran the command
  readonly configFiles?: readonly string[]; // -f; "-" reads `stdin`
  readonly projectDirectory?: string; // --project-directory
  readonly projectName?: string; // -p
  readonly environment: Readonly<Record<string, string>>; // process env, injected
  readonly envFiles?: readonly string[]; // --env-file (default: <projectDir>/.env when it exists)
  readonly stdin?: string;
  readonly fs?: LoaderFs;
  // Limit on nodes created by YAML alias expansion per document (alias-bomb guard).
  readonly maxAliasNodes?: number;
}

/**
 * The merged, interpolated compose tree, before schema validation and normalisation.
 * Relative paths from the main files are still relative to `projectDirectory`; those from
 * included or extended files have been made absolute (their base directory is lost on merge).
 * `tree.name` is set to the resolved project name.
 */
export interface LoadedTree {
  readonly projectName: string;
  readonly projectDirectory: string;
  readonly configFiles: readonly string[]; // absolute; "-" for stdin
  // Process env over .env, plus COMPOSE_PROJECT_NAME. A read-only view (layeredEnvironment) that
  // reads the injected environment by name, never copies it.
  readonly environment: Readonly<Record<string, string>>;
  readonly envFiles: readonly string[]; // absolute: the --env-file files, or the project's .env when it exists
  readonly tree: Record<string, unknown>;
  readonly warnings: readonly string[];
  // Best known position of a tree path (walks up to the nearest ancestor with one).
  positionOf(path: TreePath): SourcePosition | undefined;
}

const STDIN = "-";

export async function loadTree(opts: LoadOptions): Promise<LoadedTree> {
  const fs = opts.fs ?? nodeLoaderFs;
  const workingDir = resolve(opts.workingDir);
  const positions = new PositionIndex();
  const warnings: string[] = [];
  const explicitProjectDir =
    opts.projectDirectory !== undefined && opts.projectDirectory !== ""
      ? resolve(workingDir, opts.projectDirectory)
      : undefined;

  // 1. Which files. -f, else COMPOSE_FILE, else discovery from the working directory upwards.
  let requested = opts.configFiles?.filter((f) => f !== "") ?? [];
  const firstLocal = (files: readonly string[]) => files.find((f) => f !== STDIN);
  // The .env that may define COMPOSE_FILE / COMPOSE_PROJECT_NAME lives in the project directory,
  // which itself depends on the files: use what is known so far, as compose does.
  const preliminaryDir =
    explicitProjectDir ??
    (firstLocal(requested) !== undefined ? dirname(resolve(workingDir, firstLocal(requested) as string)) : workingDir);
  const envFiles = await selectEnvFiles(opts, workingDir, preliminaryDir, fs);
  const dotenv = await readEnvFiles(envFiles, opts.environment, fs);
  // Layered rather than copied: the injected environment is only read by name (see layeredEnvironment).
  const fileEnvironment = layeredEnvironment([opts.environment, dotenv]);

  const composeFile = fileEnvironment["COMPOSE_FILE"];
  if (requested.length === 0 && composeFile !== undefined && composeFile !== "") {
    const sep = fileEnvironment["COMPOSE_PATH_SEPARATOR"] || ":";
    requested = composeFile.split(sep).filter((f) => f !== "");
  }
  let configFiles: string[];
  if (requested.length > 0) {
    configFiles = requested.map((f) => (f === STDIN ? STDIN : resolve(workingDir, f)));
  } else {
    const found = await discoverComposeFiles(explicitProjectDir ?? workingDir, fs);
    if (found === undefined) {
      throw notFound(
        `no configuration file provided: no compose.yaml, compose.yml, docker-compose.yml or docker-compose.yaml in ${workingDir} or its parents`,
      );
    }
    warnings.push(...found.warnings);
    configFiles = [...found.files];
  }
  const first = firstLocal(configFiles);
  const projectDirectory = explicitProjectDir ?? (first !== undefined ? dirname(first) : workingDir);

  // 2. Parse the main files now: the project name may come from their `name:`.
  const files: ModelFile[] = [];
  for (const file of configFiles) {
    let text: string;
    if (file === STDIN) {
      if (opts.stdin === undefined) throw new ComposeLoadError("compose file \"-\" requested but no stdin content given");
      text = opts.stdin;
    } else {
      try {
        text = await fs.readFile(file);
      } catch (err) {
        throw notFound(`cannot read compose file ${file}: ${(err as Error).message}`, err);
      }
    }
    files.push({ path: file, documents: parseComposeYaml(text, file, positions, { maxAliasNodes: opts.maxAliasNodes }) });
  }

  // 3. Project name, then COMPOSE_PROJECT_NAME is visible to interpolation.
  const fromFile = nameFromDocuments(files, fileEnvironment, positions);
  const { name: projectName } = resolveProjectName({
    option: opts.projectName,
    environment: fileEnvironment["COMPOSE_PROJECT_NAME"],
    fromFile,
    directoryName: basename(projectDirectory),
  });
  const environment = layeredEnvironment([{ COMPOSE_PROJECT_NAME: projectName }, opts.environment, dotenv]);

  // 4. Interpolate, include, extend, merge.
  const tree = await loadModel(files, {
    fs,
    positions,
    environment,
    workingDir: projectDirectory,
    includeChain: [],
    yaml: { maxAliasNodes: opts.maxAliasNodes },
    warn: (m) => warnings.push(m),
  });
  if (Object.keys(tree).length === 0) {
    const file = configFiles.length === 1 ? configFiles[0] : undefined;
    throw new ComposeLoadError("empty compose file", { file });
  }
  setOwn(tree, "name", projectName);

  return {
    projectName,
    projectDirectory,
    configFiles,
    environment,
    envFiles,
    tree,
    warnings,
    positionOf: (path) => positions.lookup(tree, path),
  };
}

async function selectEnvFiles(opts: LoadOptions, workingDir: string, projectDir: string, fs: LoaderFs): Promise<string[]> {
  if (opts.envFiles !== undefined && opts.envFiles.length > 0) {
    const files = opts.envFiles.map((f) => (isAbsolute(f) ? f : resolve(workingDir, f)));
    for (const f of files) {
      if (!(await fs.exists(f))) throw notFound(`couldn't find env file: ${f}`);
    }
    return files;
  }
  const dflt = join(projectDir, ".env");
  return (await fs.exists(dflt)) ? [dflt] : [];
}

// The last `name:` of the main files, interpolated (compose allows `name: ${PROJECT:-x}`).
function nameFromDocuments(
  files: readonly ModelFile[],
  environment: Readonly<Record<string, string>>,
  positions: PositionIndex,
): string | undefined {
  let found: { value: unknown; doc: ParsedDocument } | undefined;
  for (const f of files) {
    for (const doc of f.documents ?? []) {
      if (Object.hasOwn(doc.tree, "name") && doc.tree["name"] !== null) found = { value: doc.tree["name"], doc };
    }
  }
  if (found === undefined) return undefined;
  const pos = positions.get(found.doc.tree, "name");
  if (typeof found.value !== "string") throw loadError("name must be a string", pos, ["name"]);
  try {
    const v = substitute(found.value, (n) => (Object.hasOwn(environment, n) ? environment[n] : undefined));
    return v === "" ? undefined : v;
  } catch (err) {
    const detail =
      err instanceof TemplateError && err.kind === "invalid"
        ? `invalid interpolation format ${JSON.stringify(found.value)}; you may need to escape any $ with another $`
        : (err as Error).message;
    throw loadError(detail, pos, ["name"], err);
  }
}
