import { existsSync } from "node:fs";
import { isKind } from "../common/errors.ts";
import { ComposeLoadError, layeredEnvironment, loadTree, nodeLoaderFs, type LoadedTree, type LoaderFs } from "../compose/load/index.ts";
import { normalize, type Project } from "../compose/model/index.ts";
import { ComposeValidationError, validateTree } from "../compose/validate/index.ts";
import { categorize } from "./cli-errors.ts";
import { splitList, type GlobalOptions } from "./global-options.ts";


/**
 * A loaded project and what was learnt on the way, as commands get it: from a full load or from
 * the project cache (project-cache.ts), the same either way. Modules that a cache hit runs import
 * this module's types only (`import type`): its code loads the YAML parser and the validator.
 */
export interface LoadedProject {
  readonly project: Project;
  /**
   * The variables the project sees: the process environment over the project's .env (or
   * --env-file files), plus COMPOSE_PROJECT_NAME. Read by name (a layered view, not a copy).
   */
  readonly environment: Readonly<Record<string, string>>;
  /** Loader and validator warnings, not yet printed. */
  readonly warnings: readonly string[];
}

/** A project loaded in full, with the merged compose tree (which the project cache does not keep). */
export interface FullyLoadedProject extends LoadedProject {
  readonly tree: LoadedTree;
}

/** What a load takes; the project cache keys its entries by the command-line part of it. */
export interface ProjectLoadInput {
  readonly global: GlobalOptions;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Services named on the command line: enabled whatever their profiles. */
  readonly services?: readonly string[];
  readonly readStdin?: () => Promise<string>;
  readonly fs?: LoaderFs;
  readonly fileExists?: (path: string) => boolean;
  readonly hostPlatform?: string;
  /** The command runs watch: its rules are checked as runnable (see SemanticOptions.forWatch). */
  readonly forWatch?: boolean;
}

/**
 * The pipeline every project command runs: load (files, .env, interpolation, merge) → validate
 * (schema, consistency, unsupported-key warnings) → normalise (profiles applied). Failures are
 * categorised for the exit code: 14 when there is no compose file, 15 when it is invalid.
 */
export async function loadProject(input: ProjectLoadInput): Promise<FullyLoadedProject> {
  const g = input.global;
  // A view, not a copy: the project cache records which variables the load reads.
  const environment = layeredEnvironment([input.env]);
  let tree: LoadedTree;
  try {
    tree = await loadTree({
      workingDir: input.cwd,
      configFiles: g.files,
      ...(g.projectDirectory !== undefined ? { projectDirectory: g.projectDirectory } : {}),
      ...(g.projectName !== undefined ? { projectName: g.projectName } : {}),
      environment,
      envFiles: g.envFiles,
      ...(g.files.includes("-") && input.readStdin ? { stdin: await input.readStdin() } : {}),
      fs: input.fs ?? nodeLoaderFs,
    });
  } catch (err) {
    if (err instanceof ComposeLoadError) throw categorize("compose-invalid", err);
    if (isKind(err, "NotFound")) throw categorize("compose-file-not-found", err);
    throw err;
  }
  let validationWarnings: readonly string[];
  try {
    validationWarnings = validateTree(tree, {
      fileExists: input.fileExists ?? existsSync,
      ...(input.hostPlatform !== undefined ? { hostPlatform: input.hostPlatform } : {}),
      ...(input.services !== undefined && input.services.length > 0 ? { services: input.services } : {}),
      ...(input.forWatch === true ? { forWatch: true } : {}),
    }).warnings;
  } catch (err) {
    if (err instanceof ComposeValidationError || err instanceof ComposeLoadError) throw categorize("compose-invalid", err);
    throw err;
  }
  // COMPOSE_PROFILES may come from .env, which only the loader has read.
  const profiles = g.profiles.length > 0 ? g.profiles : splitList(tree.environment["COMPOSE_PROFILES"]);
  let project: Project;
  try {
    project = normalize(tree, { profiles, ...(input.services !== undefined ? { services: input.services } : {}) });
  } catch (err) {
    if (err instanceof ComposeValidationError || err instanceof ComposeLoadError) throw categorize("compose-invalid", err);
    throw err;
  }
  return { project, environment: tree.environment, tree, warnings: [...tree.warnings, ...validationWarnings] };
}

