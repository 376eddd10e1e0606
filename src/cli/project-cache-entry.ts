import { createHash } from "node:crypto";
import type { Project } from "../compose/model/index.ts";
import { jsonRoundTripIssue } from "./project-cache-json.ts";
import { identityOf, probeAnswer, sameIdentity, type FileIdentity, type LoadRecording, type Probe, type StatPath } from "./project-cache-record.ts";

/** Bumped whenever the entry layout or the meaning of a field changes. */
export const ENTRY_FORMAT = 1;

/**
 * What selects an entry: the command line and process facts a load depends on besides files and
 * variables. Its canonical JSON's sha256 names the entry's file; the entry also stores it whole,
 * and a read compares it (no reliance on the hash alone).
 */
export interface CacheKey {
  readonly build: string;
  readonly platform: string;
  readonly cwd: string;
  readonly files: readonly string[];
  readonly projectName: string | null;
  readonly projectDirectory: string | null;
  readonly profiles: readonly string[];
  readonly envFiles: readonly string[];
  readonly services: readonly string[];
  /** Whether watch's rules were checked as runnable. */
  readonly forWatch: boolean;
  /** os.homedir(): normalisation falls back to it for `~` when HOME is unset. */
  readonly home: string;
}

export function keyDigest(key: CacheKey): string {
  return createHash("sha256").update(keyJson(key)).digest("hex");
}

// Fixed member order, so that equal keys are equal strings.
function keyJson(k: CacheKey): string {
  return JSON.stringify([ENTRY_FORMAT, k.build, k.platform, k.cwd, k.files, k.projectName, k.projectDirectory, k.profiles, k.envFiles, k.services, k.home]);
}

/**
 * One cached load: its result and everything it depended on. Variable values are kept only as a
 * digest (they may be secrets); so is nothing else of the environment.
 */
export interface CacheEntry {
  readonly format: typeof ENTRY_FORMAT;
  readonly key: CacheKey;
  readonly files: readonly { readonly path: string; readonly identity: FileIdentity }[];
  readonly probes: readonly Probe[];
  readonly variables: { readonly names: readonly string[]; readonly digest: string };
  /** The env files of the project's own environment (re-read on a hit for commands to use). */
  readonly envFiles: readonly string[];
  readonly projectName: string;
  readonly project: Project;
  readonly warnings: readonly string[];
}

/** What a load returned that an entry keeps. */
export interface LoadResult {
  readonly project: Project;
  readonly warnings: readonly string[];
  readonly projectName: string;
  readonly envFiles: readonly string[];
}

/**
 * Timestamps this close to the load (ms) are not trusted: a file changed again within the
 * filesystem's timestamp granularity after we looked would keep its identity (the "racy git"
 * problem). 2 s covers the coarsest common granularity (FAT's mtime).
 */
export const RACY_WINDOW_MS = 2000;

/**
 * The entry for a finished load, or why there is none: the load read the whole environment, a
 * file's identity is unknown or too recent to trust, or the result would not survive JSON.
 */
export function entryOf(
  key: CacheKey,
  recording: LoadRecording,
  result: LoadResult,
  startedAtMs: number,
): { readonly entry: CacheEntry } | { readonly reason: string } {
  if (recording.enumerated) return { reason: "the environment was enumerated" };
  const racyFrom = (BigInt(Math.floor(startedAtMs)) - BigInt(RACY_WINDOW_MS)) * 1_000_000n;
  const files: { path: string; identity: FileIdentity }[] = [];
  for (const [path, identity] of recording.reads) {
    if (identity === undefined) return { reason: `no stable identity for ${path}` };
    if (BigInt(identity.mtimeNs) >= racyFrom || BigInt(identity.ctimeNs) >= racyFrom) return { reason: `${path} changed too recently` };
    files.push({ path, identity });
  }
  for (const f of result.envFiles) if (!recording.reads.has(f)) return { reason: `env file ${f} was not read through the recorder` };
  const issue = jsonRoundTripIssue(result.project) ?? jsonRoundTripIssue(result.warnings);
  if (issue !== undefined) return { reason: `the project does not survive JSON: ${issue}` };
  const names = [...recording.variables.keys()].sort();
  return {
    entry: {
      format: ENTRY_FORMAT,
      key,
      files,
      probes: dedupeProbes(recording.probes),
      variables: { names, digest: variablesDigest(names, (n) => recording.variables.get(n)) },
      envFiles: result.envFiles,
      projectName: result.projectName,
      project: result.project,
      warnings: result.warnings,
    },
  };
}

function dedupeProbes(probes: readonly Probe[]): Probe[] {
  const seen = new Map<string, Probe>();
  for (const p of probes) if (!seen.has(`${p.kind}:${p.path}`)) seen.set(`${p.kind}:${p.path}`, p);
  return [...seen.values()];
}

export function variablesDigest(names: readonly string[], valueOf: (name: string) => string | undefined): string {
  return createHash("sha256")
    .update(JSON.stringify(names.map((n) => [n, valueOf(n) ?? null])))
    .digest("hex");
}

/**
 * Whether `raw` (a parsed entry file) is a current entry for `key`: same format and key, every
 * recorded variable the same, every file the same identity, every probe the same answer.
 * Anything unexpected in `raw` means no.
 */
export async function validEntry(
  raw: unknown,
  key: CacheKey,
  env: Readonly<Record<string, string | undefined>>,
  stat: StatPath,
): Promise<CacheEntry | undefined> {
  if (!isEntryShaped(raw) || raw.format !== ENTRY_FORMAT || keyJson(raw.key) !== keyJson(key)) return undefined;
  const value = (n: string) => (Object.hasOwn(env, n) ? env[n] : undefined);
  if (variablesDigest(raw.variables.names, value) !== raw.variables.digest) return undefined;
  const checks = await Promise.all([
    ...raw.files.map(async (f) => {
      const st = await stat(f.path);
      return st !== undefined && sameIdentity(f.identity, identityOf(st));
    }),
    ...raw.probes.map(async (p) => probeAnswer(p.kind, await stat(p.path)) === p.exists),
  ]);
  return checks.every((ok) => ok) ? raw : undefined;
}

// Enough structure to use the entry without a type error at run time; the key comparison and the
// digests do the rest.
function isEntryShaped(v: unknown): v is CacheEntry {
  if (!isObject(v)) return false;
  const { key, files, probes, variables, envFiles, projectName, project, warnings } = v;
  return (
    isObject(key) &&
    Array.isArray(files) &&
    files.every((f) => isObject(f) && typeof f["path"] === "string" && isObject(f["identity"]) && ["dev", "ino", "size", "mtimeNs", "ctimeNs"].every((k) => typeof (f["identity"] as Record<string, unknown>)[k] === "string")) &&
    Array.isArray(probes) &&
    probes.every((p) => isObject(p) && typeof p["path"] === "string" && (p["kind"] === "file" || p["kind"] === "any") && typeof p["exists"] === "boolean") &&
    isObject(variables) &&
    Array.isArray(variables["names"]) &&
    variables["names"].every((n) => typeof n === "string") &&
    typeof variables["digest"] === "string" &&
    Array.isArray(envFiles) &&
    envFiles.every((f) => typeof f === "string") &&
    typeof projectName === "string" &&
    isObject(project) &&
    isObject(project["services"]) &&
    Array.isArray(warnings) &&
    warnings.every((w) => typeof w === "string")
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
