import { posix } from "node:path";
import type { FileChange } from "./batcher.ts";
import { relativeInside } from "./path-filter.ts";
import { SYNC_ACTIONS, type PlannedRule, type WatchPlan } from "./watch-plan.ts";

/** A host path and where a sync rule puts it in the container. */
export interface PathMapping {
  readonly hostPath: string;
  readonly containerPath: string;
  /** The rule that maps it (its filter decides what a copied directory brings along). */
  readonly rule: PlannedRule;
}

/**
 * What one batch (or one convergence) asks of a service: data for the executor (apply.ts), which
 * decides nothing. Order of execution: removes, copies, restart, execs.
 */
export interface ServiceWork {
  readonly service: string;
  /** A rebuild rule matched: rebuild and recreate; nothing else is done, the new container converges when it starts. */
  readonly rebuild: boolean;
  /** Written on the host: files, or directories to copy with what they hold. */
  readonly copies: readonly PathMapping[];
  /** Removed on the host. */
  readonly removes: readonly PathMapping[];
  readonly restart: boolean;
  /** sync+exec rules that synced something, in rule order, each run once. */
  readonly execs: readonly PlannedRule[];
}

/** Where a host path inside a sync rule's path lands in the container. */
export function containerPathOf(rule: PlannedRule, hostPath: string): string {
  const rel = relativeInside(rule.path, hostPath) ?? ".";
  return posix.join(rule.target ?? "/", rel);
}

/** Splits a batch by service, into each one's work. Services the batch does not concern get none. Pure. */
export function routeBatch(plan: WatchPlan, batch: readonly FileChange[]): ServiceWork[] {
  return plan.services.flatMap((service) => {
    const rules = plan.rules.filter((r) => r.service === service);
    // Directories are not held to `include`: a removed one may have held included files.
    const hits = rules.map((rule) => ({ rule, changes: batch.filter((c) => rule.filter.accepts(c.path, c.isDir)) })).filter((h) => h.changes.length > 0);
    if (hits.length === 0) return [];
    return [workOf(service, hits)];
  });
}

/** The work of the changes each rule accepted. */
export function workOf(service: string, hits: readonly { readonly rule: PlannedRule; readonly changes: readonly FileChange[] }[]): ServiceWork {
  if (hits.some((h) => h.rule.action === "rebuild")) return { service, rebuild: true, copies: [], removes: [], restart: false, execs: [] };
  const syncs = hits.filter((h) => SYNC_ACTIONS.has(h.rule.action));
  // A rule's own path gone (a branch switch, a moved directory) never removes its target: that
  // would wipe what the image keeps there too, and `/` when the target is the root.
  const mapped = (kind: FileChange["kind"]) =>
    syncs.flatMap(({ rule, changes }) =>
      changes.filter((c) => c.kind === kind && (kind === "write" || c.path !== rule.path)).map((c) => ({ hostPath: c.path, containerPath: containerPathOf(rule, c.path), rule })),
    );
  return {
    service,
    rebuild: false,
    copies: mapped("write"),
    removes: mapped("remove"),
    restart: hits.some((h) => h.rule.action === "restart" || h.rule.action === "sync+restart"),
    execs: syncs.filter((h) => h.rule.action === "sync+exec").map((h) => h.rule),
  };
}

export function isEmptyWork(w: ServiceWork): boolean {
  return !w.rebuild && !w.restart && w.copies.length === 0 && w.removes.length === 0 && w.execs.length === 0;
}
