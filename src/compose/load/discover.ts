import { dirname, join } from "node:path";
import type { LoaderFs } from "./loader-fs.ts";

// Names compose looks for, in order of preference.
export const DEFAULT_FILE_NAMES = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"] as const;
export const DEFAULT_OVERRIDE_FILE_NAMES = [
  "compose.override.yml",
  "compose.override.yaml",
  "docker-compose.override.yml",
  "docker-compose.override.yaml",
] as const;

export interface DiscoveredFiles {
  readonly files: readonly string[]; // the main file, then its override file when present
  readonly warnings: readonly string[];
}

/**
 * Finds the compose file in `startDir` or the nearest parent that has one, plus the override file
 * beside it. Returns undefined when no directory up to the root has one.
 */
export async function discoverComposeFiles(startDir: string, fs: LoaderFs): Promise<DiscoveredFiles | undefined> {
  let dir = startDir;
  for (;;) {
    const found = await existing(dir, DEFAULT_FILE_NAMES, fs);
    const main = found[0];
    if (main !== undefined) {
      const warnings: string[] = [];
      if (found.length > 1) warnings.push(`Found multiple config files with supported names: ${found.join(", ")}; using ${main}`);
      const overrides = await existing(dir, DEFAULT_OVERRIDE_FILE_NAMES, fs);
      const override = overrides[0];
      if (overrides.length > 1) {
        warnings.push(`Found multiple override files with supported names: ${overrides.join(", ")}; using ${override}`);
      }
      return { files: override === undefined ? [main] : [main, override], warnings };
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

async function existing(dir: string, names: readonly string[], fs: LoaderFs): Promise<string[]> {
  const out: string[] = [];
  for (const name of names) {
    const p = join(dir, name);
    if (await fs.exists(p)) out.push(p);
  }
  return out;
}
