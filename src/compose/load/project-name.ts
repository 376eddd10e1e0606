import { ComposeLoadError } from "./errors.ts";

// Compose's normalisation: lowercase, keep only [a-z0-9_-], no leading "_" or "-".
export function normalizeProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "")
    .replace(/^[_-]+/, "");
}

export function isValidProjectName(name: string): boolean {
  return name !== "" && normalizeProjectName(name) === name;
}

export type ProjectNameSource = "option" | "environment" | "file" | "directory";

export interface ProjectNameInput {
  readonly option?: string | undefined; // -p
  readonly environment?: string | undefined; // COMPOSE_PROJECT_NAME
  readonly fromFile?: string | undefined; // top-level `name:` after interpolation
  readonly directoryName?: string | undefined; // basename of the project directory
}

/**
 * Picks the project name by compose's precedence. A name the user set explicitly (-p or
 * COMPOSE_PROJECT_NAME) must already be valid; names from the file or the directory are
 * normalised.
 */
export function resolveProjectName(input: ProjectNameInput): { name: string; source: ProjectNameSource } {
  for (const [value, source] of [
    [input.option, "option"],
    [input.environment, "environment"],
  ] as const) {
    if (value === undefined || value === "") continue;
    if (!isValidProjectName(value)) throw invalidName(value, source === "option" ? "-p" : "COMPOSE_PROJECT_NAME");
    return { name: value, source };
  }
  for (const [value, source] of [
    [input.fromFile, "file"],
    [input.directoryName, "directory"],
  ] as const) {
    if (value === undefined) continue;
    const name = normalizeProjectName(value);
    if (name !== "") return { name, source };
  }
  throw new ComposeLoadError(
    "project name must not be empty: set `name:` in the compose file or use -p / COMPOSE_PROJECT_NAME",
  );
}

function invalidName(name: string, from: string): ComposeLoadError {
  return new ComposeLoadError(
    `invalid project name ${JSON.stringify(name)} (from ${from}): must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`,
  );
}
