import { existsSync } from "node:fs";
import { isKind } from "../common/errors.ts";
import { ComposeLoadError, loadTree, nodeLoaderFs, parseDotenv, type LoadedTree, type LoaderFs } from "../compose/load/index.ts";
import { normalize, type Project, type ServiceConfig } from "../compose/model/index.ts";
import { ComposeValidationError, validateTree } from "../compose/validate/index.ts";
import { categorize } from "./cli-errors.ts";
import { splitList, type GlobalOptions } from "./global-options.ts";

/** A loaded project and what was learnt on the way. */
export interface LoadedProject {
  readonly project: Project;
  readonly tree: LoadedTree;
  /** Loader and validator warnings, not yet printed. */
  readonly warnings: readonly string[];
}

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
}

/**
 * The pipeline every project command runs: load (files, .env, interpolation, merge) → validate
 * (schema, consistency, unsupported-key warnings) → normalise (profiles applied). Failures are
 * categorised for the exit code: 14 when there is no compose file, 15 when it is invalid.
 */
export async function loadProject(input: ProjectLoadInput): Promise<LoadedProject> {
  const g = input.global;
  const environment = definedEntries(input.env);
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
  return { project, tree, warnings: [...tree.warnings, ...validationWarnings] };
}

/**
 * Each service's environment as the container gets it: its env_file contents (in order, a missing
 * optional file skipped), overridden by `environment`, where a bare name takes its value from
 * the environment tstack runs in (and is dropped when unset there).
 */
export async function resolveEnvironments(
  project: Project,
  environment: Readonly<Record<string, string>>,
  fs: LoaderFs = nodeLoaderFs,
): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  for (const svc of Object.values(project.services)) out[svc.name] = await serviceEnvironment(svc, environment, fs);
  return out;
}

export async function serviceEnvironment(svc: ServiceConfig, environment: Readonly<Record<string, string>>, fs: LoaderFs): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  const lookup = (n: string) => (Object.hasOwn(environment, n) ? environment[n] : undefined);
  for (const f of svc.env_file) {
    if (!(await fs.exists(f.path))) {
      if (f.required) throw categorize("compose-invalid", new ComposeLoadError(`env file ${f.path} not found`, { path: ["services", svc.name, "env_file"] }));
      continue;
    }
    Object.assign(env, parseDotenv(await fs.readFile(f.path), f.path, lookup));
  }
  for (const [k, v] of Object.entries(svc.environment)) {
    if (v !== null) env[k] = v;
    else if (lookup(k) !== undefined) env[k] = lookup(k) as string;
    else delete env[k];
  }
  return env;
}

function definedEntries(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
