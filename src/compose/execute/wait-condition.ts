import { failedPrecondition } from "../../common/errors.ts";
import type { EngineClient } from "../engine-client/index.ts";
import type { PlanOp } from "../plan/index.ts";

export type WaitOp = Extract<PlanOp, { kind: "wait" }>;

export interface WaitDeps {
  readonly client: EngineClient;
  readonly signal: AbortSignal;
  /** Resolves after `ms`, rejects when the signal aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly pollIntervalMs: number;
}

/**
 * Polls the dependency's containers until every one meets the condition, as docker/compose does
 * (inspect every 500 ms). A dependency that exits, turns unhealthy, or has no healthcheck to be
 * healthy with fails with a FailedPrecondition that names it.
 */
export async function waitForCondition(op: WaitOp, deps: WaitDeps): Promise<void> {
  if (op.containers.length === 0) throw failedPrecondition(`${op.dependant} is missing dependency ${op.service}`);
  const pending = new Set(op.containers);
  for (;;) {
    for (const name of [...pending]) {
      if (await conditionMet(op, name, deps)) pending.delete(name);
    }
    if (pending.size === 0) return;
    await deps.sleep(deps.pollIntervalMs, deps.signal);
  }
}

async function conditionMet(op: WaitOp, name: string, { client, signal }: WaitDeps): Promise<boolean> {
  const c = await client.inspectContainer(name, { signal });
  const fail = (why: string) => failedPrecondition(`dependency ${op.service} of ${op.dependant} failed: ${why}`);
  switch (op.condition) {
    case "service_healthy":
      if (c.state.status === "exited" || c.state.status === "dead") throw fail(`container ${c.name} exited (${c.state.exitCode})`);
      if (!c.hasHealthcheck) throw fail(`container ${c.name} has no healthcheck configured`);
      if (c.state.health === "unhealthy") throw fail(`container ${c.name} is unhealthy`);
      return c.state.health === "healthy";
    case "service_completed_successfully":
      if (c.state.status !== "exited" && c.state.status !== "dead") return false;
      if (c.state.exitCode !== 0) throw fail(`container ${c.name} didn't complete successfully: exit ${c.state.exitCode}`);
      return true;
  }
}
