import { LABEL, ONEOFF_TRUE, projectFilter } from "../labels/index.ts";
import { nodeLoaderFs } from "../load/loader-fs.ts";
import type { Project } from "../model/index.ts";
import type { StackContext } from "../stack/stack-context.ts";
import type { RebuildService } from "./apply.ts";
import { createBatcher, DEFAULT_TIMING, type BatchTiming, type FileChange } from "./batcher.ts";
import type { FileWatcher } from "./file-watcher.ts";
import { readIgnoreFiles } from "./ignore-files.ts";
import { ServiceLane } from "./service-lane.ts";
import { runningContainers, serviceSteps, watchRuntime } from "./service-steps.ts";
import { realTimers, type Timers } from "./timers.ts";
import { planWatch, SYNC_ACTIONS, type WatchPlan } from "./watch-plan.ts";

export interface WatchSessionOptions {
  /** The services to watch (those with develop.watch); all when empty. */
  readonly services: readonly string[];
  readonly watcher: FileWatcher;
  readonly rebuild: RebuildService;
  /** Passed to the rebuild: remove the image a rebuild replaced. */
  readonly prune: boolean;
  readonly timers?: Timers;
  readonly timing?: BatchTiming;
}

/** A running watch. Lifecycle: started by startWatch, running until `close` (or the context's signal). */
export interface WatchSession extends AsyncDisposable {
  readonly plan: WatchPlan;
  /** Resolves once no batch is waiting to be applied nor being applied (the quiet period still has to pass for pending changes). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts watching: plans the rules, watches their paths, subscribes to the project's container
 * starts, and converges the containers of rules with initial_sync. Changes then flow as
 * watcher → batcher → each concerned service's lane → route → apply; a container start queues
 * its convergence on its service's lane. Failures are reported (one WARN line) and the watch
 * goes on.
 */
export async function startWatch(s: StackContext, project: Project, o: WatchSessionOptions): Promise<WatchSession> {
  const plan = planWatch(project, o.services, await readIgnoreFiles(project, o.services.length > 0 ? o.services : Object.keys(project.services), s.fs ?? nodeLoaderFs));
  const stop = new AbortController();
  const signal = AbortSignal.any([s.signal, stop.signal]);
  const rt = watchRuntime(s, project, plan, signal, o);
  const lanes = new Map(plan.services.map((service) => [service, new ServiceLane(serviceSteps(rt, service))] as const));

  const batcher = createBatcher(o.timers ?? realTimers, o.timing ?? DEFAULT_TIMING, (batch) => {
    for (const [service, lane] of lanes) {
      const mine = batch.filter((c) => plan.rules.some((r) => r.service === service && r.filter.accepts(c.path, c.isDir)));
      if (mine.length > 0) lane.push(mine);
    }
  });
  const handle = await o.watcher.watch({
    roots: plan.roots,
    watchesDir: (dir) => plan.rules.some((r) => r.filter.mayAcceptUnder(dir)),
    onChange: (c: FileChange) => batcher.add(c),
    onError: (err) => s.reporter.warn(`watch: ${err.message}`),
  });
  const events = followStarts(s, project.name, plan.services, signal, (service, id) => {
    if (!rt.ownRestarts.delete(id)) lanes.get(service)?.convergeContainers([id], "start");
  });
  const idle = async () => {
    for (const lane of lanes.values()) await lane.idle();
  };
  const close = async () => {
    stop.abort();
    batcher.close();
    await handle.close();
    await Promise.all([idle(), events]);
  };

  try {
    for (const service of plan.services) {
      if (!plan.rules.some((r) => r.service === service && r.initialSync && SYNC_ACTIONS.has(r.action))) continue;
      lanes.get(service)?.convergeContainers((await runningContainers(rt, service)).map((c) => c.id), "initial");
    }
  } catch (err) {
    await close();
    throw err;
  }
  if (o.services.length > 0) for (const service of plan.skipped) s.reporter.warn(`watch: ${service} has no develop.watch rules: not watched`);
  s.reporter.status(`Watching ${plan.services.join(", ")}: changes are synced as they happen (Ctrl-C to stop)`);
  return { plan, idle, close, [Symbol.asyncDispose]: close };
}

/** Calls `onStart` for every start of a watched service's container, until the signal aborts. */
async function followStarts(s: StackContext, projectName: string, services: readonly string[], signal: AbortSignal, onStart: (service: string, id: string) => void): Promise<void> {
  try {
    for await (const e of s.client.events({ filters: { type: ["container"], event: ["start"], label: [projectFilter(projectName)] }, signal })) {
      const service = e.attributes[LABEL.service] ?? "";
      if (e.attributes[LABEL.oneoff] !== ONEOFF_TRUE && services.includes(service)) onStart(service, e.id);
    }
    if (!signal.aborted) s.reporter.warn("watch: the engine's event stream ended: restarted containers are no longer brought in line");
  } catch (err) {
    if (signal.aborted) return;
    s.reporter.warn(`watch: the engine's events stopped (${(err as Error).message}): restarted containers are no longer brought in line`);
  }
}
