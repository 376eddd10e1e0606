import { setMaxListeners } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import { kindOf, TstackError } from "../../common/errors.ts";
import type { EngineClient } from "../engine-client/index.ts";
import { describeOp, type Plan, type PlanNode, type PlanOp } from "../plan/index.ts";
import type { ProgressEvent, ProgressSink } from "./progress.ts";
import { runOperation } from "./run-operation.ts";

export interface ExecuteOptions {
  /** Operations in flight at once; default unlimited, as docker compose (the engine queues work itself). */
  readonly concurrency?: number;
  /** Aborting stops launching operations and aborts those in flight. */
  readonly signal?: AbortSignal;
  readonly onEvent?: ProgressSink;
  /** How often a wait polls its dependency; default 500 ms (as docker/compose). */
  readonly pollIntervalMs?: number;
  /** Injected for tests; resolves after `ms` or rejects when the signal aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The first failed operation of a plan: which one, and (as `cause`) why. Its kind is the cause's. */
export class PlanExecutionError extends TstackError {
  readonly node: PlanNode;
  constructor(node: PlanNode, cause: unknown) {
    super(kindOf(cause), `${describeOp(node.op)} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.node = node;
  }
}

/** The resource name a progress line shows for an operation. */
export function resourceOf(op: PlanOp): string {
  switch (op.kind) {
    case "pull-image":
      return op.image;
    case "wait":
      return op.service;
    default:
      return op.name;
  }
}

/**
 * Runs a plan: every node once, after all its dependencies succeeded, at most `concurrency`
 * at a time. Decides nothing — the plan already did. On the first failure it aborts the
 * operations in flight, launches nothing more, waits for what is running to settle and
 * rejects with a PlanExecutionError naming the failed node. A failed wait on an optional
 * dependency is reported as a warning and counts as done.
 */
export async function execute(plan: Plan, client: EngineClient, opts: ExecuteOptions = {}): Promise<void> {
  const concurrency = Math.max(1, opts.concurrency ?? Number.POSITIVE_INFINITY);
  const emit = opts.onEvent ?? (() => {});
  const sleep = opts.sleep ?? ((ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }));
  const internal = new AbortController();
  setMaxListeners(0, internal.signal); // one listener per operation in flight, any number of them
  const onOuterAbort = () => internal.abort(opts.signal?.reason);
  opts.signal?.addEventListener("abort", onOuterAbort, { once: true });
  if (opts.signal?.aborted) onOuterAbort();

  const waitingOn = new Map<number, number>(plan.nodes.map((n) => [n.id, n.deps.length]));
  const dependants = new Map<number, number[]>();
  for (const n of plan.nodes) for (const d of n.deps) dependants.set(d, [...(dependants.get(d) ?? []), n.id]);
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const ready = plan.nodes.filter((n) => n.deps.length === 0).map((n) => n.id);
  const inFlight = new Set<Promise<void>>();
  let failure: PlanExecutionError | undefined;
  let completed = 0;

  const runOne = async (node: PlanNode): Promise<void> => {
    const base = { nodeId: node.id, resource: resourceOf(node.op), action: node.op.kind };
    const send = (e: Omit<ProgressEvent, "nodeId" | "resource" | "action">) => emit({ ...base, ...e });
    send({ status: "working", detail: node.reason });
    try {
      await runOperation(node, { client, signal: internal.signal, sleep, pollIntervalMs: opts.pollIntervalMs ?? 500, emit: send });
      send({ status: "done" });
    } catch (err) {
      if (node.op.kind === "wait" && !node.op.required && !internal.signal.aborted) {
        send({ status: "warning", detail: `optional dependency: ${(err as Error).message}` });
      } else {
        // Once the run is aborted (another node failed, or the caller aborted), later errors are consequences.
        if (internal.signal.aborted) return;
        send({ status: "error", detail: err instanceof Error ? err.message : String(err) });
        failure ??= new PlanExecutionError(node, err);
        internal.abort(failure);
        return;
      }
    }
    completed++;
    for (const next of dependants.get(node.id) ?? []) {
      const left = (waitingOn.get(next) ?? 0) - 1;
      waitingOn.set(next, left);
      if (left === 0) ready.push(next);
    }
  };

  try {
    while (!internal.signal.aborted && (ready.length > 0 || inFlight.size > 0)) {
      while (ready.length > 0 && inFlight.size < concurrency && !internal.signal.aborted) {
        const node = byId.get(ready.shift()!)!;
        const p: Promise<void> = runOne(node).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      if (inFlight.size > 0) await Promise.race(inFlight);
    }
    await Promise.allSettled(inFlight);
  } finally {
    opts.signal?.removeEventListener("abort", onOuterAbort);
  }
  if (failure) throw failure;
  if (opts.signal?.aborted) throw opts.signal.reason ?? new Error("aborted");
  // Only a malformed plan (a dependency cycle or a missing node) leaves nodes unreached.
  if (completed < plan.nodes.length) throw new TstackError("Internal", `plan left ${plan.nodes.length - completed} operations unreachable`);
}
