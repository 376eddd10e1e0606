import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { readEnvFiles } from "../compose/load/dotenv.ts";
import { layeredEnvironment } from "../compose/load/environment-view.ts";
import { nodeLoaderFs } from "../compose/load/loader-fs.ts";
import { entryOf, keyDigest, validEntry, type CacheEntry, type CacheKey } from "./project-cache-entry.ts";
import { createLoadRecorder, type StatPath } from "./project-cache-record.ts";
import { buildIdentityOf, projectCacheDirOf, type EntryStore } from "./project-cache-store.ts";
// Types only: project.ts loads the YAML parser and the schema validator, which a hit must not.
import type { FullyLoadedProject, LoadedProject, ProjectLoadInput } from "./project.ts";

export { fileEntryStore } from "./project-cache-store.ts";

/**
 * Where the cache lives and which build this is, from the environment and the running code;
 * undefined (no cache) when it is turned off, has no home, or this is not a built tstack.
 */
export async function projectCacheSettingsOf(
  env: Readonly<Record<string, string | undefined>>,
  moduleUrl: string = import.meta.url,
): Promise<{ readonly dir: string; readonly build: string } | undefined> {
  const dir = projectCacheDirOf(env);
  if (dir === undefined) return undefined;
  const build = await buildIdentityOf(moduleUrl);
  return build === undefined ? undefined : { dir, build };
}

/** What happened to one load, for --debug. */
export type CacheOutcome =
  | { readonly kind: "hit" }
  | { readonly kind: "miss"; readonly stored: boolean; readonly reason?: string }
  | { readonly kind: "bypass"; readonly reason: string };

export function describeOutcome(o: CacheOutcome): string {
  switch (o.kind) {
    case "hit":
      return "hit";
    case "miss":
      return o.stored ? "miss, stored" : `miss, not stored: ${o.reason ?? "unknown reason"}`;
    case "bypass":
      return `bypassed: ${o.reason}`;
    default: {
      const never: never = o;
      return String(never);
    }
  }
}

export interface ProjectCache {
  readonly store: EntryStore;
  /** The running build's identity (buildIdentityOf): entries of other builds never match. */
  readonly build: string;
  /** The real load (project.ts's loadProject), run on a miss with recording wrappers. */
  readonly load: (input: ProjectLoadInput) => Promise<FullyLoadedProject>;
  /** Wall clock in ms, to tell file timestamps too recent to trust. */
  readonly now: () => number;
  readonly stat?: StatPath;
  readonly homedir?: () => string;
  readonly onOutcome?: (outcome: CacheOutcome) => void;
}

// Synchronous on purpose: a hit stats a dozen paths, ~0.1 ms in a row against ~3 ms through the
// thread pool (measured); nothing else is running yet.
const statBigint: StatPath = async (path) => {
  try {
    return statSync(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    return undefined;
  }
};

/**
 * loadProject through the cache: the same LoadedProject, taken from the entry when every file,
 * existence probe and variable the entry's load depended on is unchanged, else from a full load
 * (which then replaces the entry). Any doubt is a miss; the cache's own failures never fail the
 * load. Stdin and injected filesystems bypass it.
 */
export async function loadProjectCached(input: ProjectLoadInput, cache: ProjectCache): Promise<LoadedProject> {
  const report = cache.onOutcome ?? (() => undefined);
  const bypass = bypassReason(input);
  if (bypass !== undefined) {
    report({ kind: "bypass", reason: bypass });
    return withoutTree(await cache.load(input));
  }
  const statPath = cache.stat ?? statBigint;
  const key = keyOf(input, cache.build, (cache.homedir ?? homedir)());
  const digest = keyDigest(key);
  try {
    const entry = await validEntry(await cache.store.read(digest), key, input.env, statPath);
    if (entry !== undefined) {
      const hit = await fromEntry(entry, input.env);
      report({ kind: "hit" });
      return hit;
    }
  } catch {
    // A doubtful entry (an unreadable .env, say) is a miss; the full load reports real errors.
  }

  const startedAt = cache.now();
  const recorder = createLoadRecorder(input.env, nodeLoaderFs, existsSync, statPath);
  const loaded = await cache.load({ ...input, env: recorder.env, fs: recorder.fs, fileExists: recorder.fileExists });
  let stored = false;
  let reason: string | undefined;
  try {
    const made = entryOf(
      key,
      recorder.recording(),
      { project: loaded.project, warnings: loaded.warnings, projectName: loaded.tree.projectName, envFiles: loaded.tree.envFiles },
      startedAt,
    );
    if ("entry" in made) {
      await cache.store.write(digest, made.entry);
      stored = true;
    } else reason = made.reason;
  } catch (err) {
    reason = (err as Error).message;
  }
  report({ kind: "miss", stored, ...(reason !== undefined ? { reason } : {}) });
  return withoutTree(loaded);
}

function bypassReason(input: ProjectLoadInput): string | undefined {
  if (input.global.files.includes("-")) return "the compose file is read from stdin";
  // Entries describe the real filesystem; an injected one (tests) is not what the hit path stats.
  if (input.fs !== undefined || input.fileExists !== undefined) return "a filesystem was injected";
  return undefined;
}

function keyOf(input: ProjectLoadInput, build: string, home: string): CacheKey {
  const g = input.global;
  return {
    build,
    platform: input.hostPlatform ?? "",
    cwd: input.cwd,
    files: g.files,
    projectName: g.projectName ?? null,
    projectDirectory: g.projectDirectory ?? null,
    profiles: g.profiles,
    envFiles: g.envFiles,
    services: input.services ?? [],
    forWatch: input.forWatch === true,
    home,
  };
}

// The environment the load would have built: process env over the project's env files (re-read:
// their identity was just checked, and their values are not stored), plus the project name.
async function fromEntry(entry: CacheEntry, env: Readonly<Record<string, string | undefined>>): Promise<LoadedProject> {
  const dotenv = await readEnvFiles(entry.envFiles, layeredEnvironment([env]), nodeLoaderFs);
  const environment = layeredEnvironment([{ COMPOSE_PROJECT_NAME: entry.projectName }, env, dotenv]);
  return { project: entry.project, environment, warnings: entry.warnings };
}

// Commands get the same shape from a hit and a miss: the merged tree only comes from a full load.
function withoutTree(loaded: FullyLoadedProject): LoadedProject {
  return { project: loaded.project, environment: loaded.environment, warnings: loaded.warnings };
}
