import { failedPrecondition, invalidArgument } from "../../common/errors.ts";
import type { Project, ServiceHook, WatchRule } from "../model/index.ts";
import { ALWAYS_IGNORED, pathFilter, patternLayer, relativeInside, type IgnoreLayer, type PathFilter } from "./path-filter.ts";

export type WatchAction = WatchRule["action"];

/** One `develop.watch` rule, ready to match paths. */
export interface PlannedRule {
  readonly service: string;
  /** Its index in the service's develop.watch, for messages. */
  readonly index: number;
  readonly action: WatchAction;
  /** Absolute host path: a directory, or one file. */
  readonly path: string;
  /** Where `path` lands in the container (sync actions). */
  readonly target?: string;
  readonly exec?: ServiceHook;
  readonly initialSync: boolean;
  readonly filter: PathFilter;
}

/**
 * What `watch` watches and what each change means. Data: no I/O went into it but the ignore
 * files' text, handed in.
 */
export interface WatchPlan {
  readonly projectName: string;
  /** The services watched, in project order. */
  readonly services: readonly string[];
  /** Selected services without develop.watch, left out (the caller may say so). */
  readonly skipped: readonly string[];
  readonly rules: readonly PlannedRule[];
  /** The paths to watch: every rule's path, none inside another. */
  readonly roots: readonly string[];
}

/** A build context's ignore file: `<Dockerfile>.dockerignore` or `.dockerignore`. */
export interface IgnoreFileText {
  readonly path: string;
  /** The build context it applies to (absolute). */
  readonly context: string;
  readonly text: string;
}

export const SYNC_ACTIONS: ReadonlySet<WatchAction> = new Set(["sync", "sync+restart", "sync+exec"]);

/**
 * The watch plan of the selected services (all when none are named): their rules, each with a
 * filter of the rule's `ignore`, the build context's ignore file when the rule's path is inside
 * the context (keyed by service in `ignoreFiles`), the files editors write while saving, and the
 * rule's `include`. Pure.
 */
export function planWatch(project: Project, services: readonly string[], ignoreFiles: ReadonlyMap<string, IgnoreFileText>): WatchPlan {
  for (const s of services) if (!Object.hasOwn(project.services, s)) throw invalidArgument(`no such service: ${s}`);
  const selected = services.length > 0 ? Object.keys(project.services).filter((s) => services.includes(s)) : Object.keys(project.services);
  const watched = selected.filter((s) => (project.services[s]?.develop?.watch.length ?? 0) > 0);
  if (watched.length === 0) throw failedPrecondition("none of the selected services is configured for watch: add a develop.watch section");
  const rules = watched.flatMap((service) =>
    (project.services[service]?.develop?.watch ?? []).map((rule, index) => plannedRule(service, index, rule, ignoreFiles.get(service))),
  );
  return { projectName: project.name, services: watched, skipped: selected.filter((s) => !watched.includes(s)), rules, roots: outermost(rules.map((r) => r.path)) };
}

function plannedRule(service: string, index: number, rule: WatchRule, ignoreFile: IgnoreFileText | undefined): PlannedRule {
  const at = `services.${service}.develop.watch[${index}]`;
  const layers: IgnoreLayer[] = [patternLayer(rule.path, ALWAYS_IGNORED, "editor and VCS files")];
  if (rule.ignore.length > 0) layers.push(patternLayer(rule.path, rule.ignore, `${at}.ignore`));
  if (ignoreFile !== undefined && relativeInside(ignoreFile.context, rule.path) !== undefined) {
    layers.push(patternLayer(ignoreFile.context, [ignoreFile.text], ignoreFile.path));
  }
  return {
    service,
    index,
    action: rule.action,
    path: rule.path,
    ...(rule.target !== undefined ? { target: rule.target } : {}),
    ...(rule.exec !== undefined ? { exec: rule.exec } : {}),
    initialSync: rule.initial_sync,
    filter: pathFilter(rule.path, layers, rule.include),
  };
}

/** The paths none of the others contains, sorted. */
export function outermost(paths: readonly string[]): string[] {
  const sorted = [...new Set(paths)].sort();
  return sorted.filter((p) => !sorted.some((q) => q !== p && relativeInside(q, p) !== undefined));
}
