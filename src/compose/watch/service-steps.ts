import { compareStrings } from "../../common/compare-strings.ts";
import type { Project } from "../model/index.ts";
import { projectContainers, shortLabel } from "../observe/index.ts";
import type { StackContext } from "../stack/stack-context.ts";
import { applyWork, type ApplyContext, type RebuildService, type WatchedContainer } from "./apply.ts";
import { HostHashes } from "./content-hash.ts";
import { containerOwner, type Owner } from "./container-user.ts";
import { convergence } from "./converge.ts";
import { isEmptyWork, routeBatch } from "./route.ts";
import type { ConvergeReason, LaneSteps } from "./service-lane.ts";
import { SYNC_ACTIONS, type WatchPlan } from "./watch-plan.ts";

/** What every service's steps share: the engine, the plan, and what the watch remembers between steps. */
export interface WatchRuntime {
  readonly s: Pick<StackContext, "client" | "reporter">;
  readonly project: Project;
  readonly plan: WatchPlan;
  readonly signal: AbortSignal;
  readonly apply: ApplyContext;
  readonly hostHashes: HostHashes;
  /**
   * Containers the watch is restarting: the start that follows is its own and converges nothing
   * (the container was just synced; converging would race the changes still arriving, and a file
   * the container refuses would loop sync → restart → sync).
   */
  readonly ownRestarts: Set<string>;
  /** Containers already said to lack sha256sum. */
  readonly cannotHash: Set<string>;
}

export function watchRuntime(s: StackContext, project: Project, plan: WatchPlan, signal: AbortSignal, o: { readonly rebuild: RebuildService; readonly prune: boolean }): WatchRuntime {
  const owners = new Map<string, Promise<Owner>>();
  const owner = (container: string): Promise<Owner> => {
    let p = owners.get(container);
    if (p === undefined) {
      p = containerOwner(s.client, container, signal).then(({ owner, warning }) => {
        if (warning !== undefined) s.reporter.warn(`watch: ${warning}`);
        return owner;
      });
      p.catch(() => owners.delete(container)); // asked again next time
      owners.set(container, p);
    }
    return p;
  };
  const ownRestarts = new Set<string>();
  const restart = async (container: string) => {
    ownRestarts.add(container);
    await s.client.restartContainer(container, { signal }).catch((err: unknown) => {
      ownRestarts.delete(container);
      throw err;
    });
  };
  const apply: ApplyContext = { client: s.client, signal, rebuild: o.rebuild, prune: o.prune, owner, restart, status: (line) => s.reporter.status(line) };
  return { s, project, plan, signal, apply, hostHashes: new HostHashes(), ownRestarts, cannotHash: new Set() };
}

/** The service's running containers (only these IDs when given). */
export async function runningContainers(rt: WatchRuntime, service: string, ids?: ReadonlyMap<string, unknown>): Promise<WatchedContainer[]> {
  return (await projectContainers(rt.s.client, rt.project.name, { services: [service], live: true }, { signal: rt.signal }))
    .filter((c) => c.state === "running" && (ids === undefined || ids.has(c.id)))
    .map((c) => ({ id: c.id, label: shortLabel(c) }));
}

/** A service's lane steps: its share of a batch routed and applied; containers converged. */
export function serviceSteps(rt: WatchRuntime, service: string): LaneSteps {
  const { s, plan } = rt;
  const syncRules = plan.rules.filter((r) => r.service === service && SYNC_ACTIONS.has(r.action));
  let applying: "sync" | "rebuild" = "sync"; // what a failed batch was doing
  return {
    async apply(changes) {
      const work = routeBatch(plan, [...changes].sort((a, b) => compareStrings(a.path, b.path))).find((w) => w.service === service);
      if (work === undefined || isEmptyWork(work)) return;
      applying = work.rebuild ? "rebuild" : "sync";
      const containers = work.rebuild ? [] : await runningContainers(rt, service);
      if (!work.rebuild && containers.length === 0) return s.reporter.status(`${service}: not running; its files are brought in line when it starts`);
      await applyWork(rt.apply, work, containers);
    },
    async converge(ids: ReadonlyMap<string, ConvergeReason>) {
      for (const c of await runningContainers(rt, service, ids)) {
        const rules = syncRules.filter((r) => ids.get(c.id) === "start" || r.initialSync);
        if (rules.length === 0) continue;
        const r = await convergence(s.client, c.id, service, rules, rt.hostHashes, rt.signal);
        if (!r.hashed && !rt.cannotHash.has(c.id)) {
          rt.cannotHash.add(c.id);
          s.reporter.warn(`watch: ${c.label} has no sha256sum: every watched file is copied to bring it in line`);
        }
        if (r.differing === 0) continue;
        s.reporter.status(`${c.label}: ${r.differing} of ${r.checked} watched files differ from the host`);
        await applyWork(rt.apply, r.work, [c]);
      }
    },
    failed: (what, err) => {
      if (!rt.signal.aborted) s.reporter.warn(`watch: ${service}: ${what === "changes" ? applying : what} failed: ${err instanceof Error ? err.message : String(err)}`);
    },
  };
}
