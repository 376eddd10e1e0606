import { parseDotenv } from "../load/dotenv.ts";
import { ComposeLoadError } from "../load/errors.ts";
import { nodeLoaderFs, type LoaderFs } from "../load/loader-fs.ts";
import type { Project, ServiceConfig } from "../model/index.ts";

// Apart from the loader (which brings the YAML parser and the schema validator) so that
// operations given a cached project never load those.

/**
 * Each service's environment as the container gets it: its env_file contents (in order, a missing
 * optional file skipped), overridden by `environment`, where a bare name takes its value from
 * the environment tstack runs in (and is dropped when unset there). A missing required env_file
 * is a ComposeLoadError.
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
      if (f.required) throw new ComposeLoadError(`env file ${f.path} not found`, { path: ["services", svc.name, "env_file"] });
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
