import type { EngineClient } from "../engine-client/index.ts";
import type { ProgressEvent } from "../execute/index.ts";
import type { Project } from "../model/index.ts";
import type { Plan } from "../plan/index.ts";

/** The hint printed when a stop had to end in SIGKILL. */
export function escalationMessage(service: string, signal: string, seconds: number): string {
  return `tstack: service ${service} ignored ${signal} for ${seconds}s and was killed; add \`init: true\` or set \`stop_signal\``;
}

export interface StopTiming {
  readonly service: string;
  readonly container: string;
  readonly elapsedMs: number;
  readonly timeoutSeconds: number;
}

/**
 * Watches a plan's stop operations and reports those that lasted their whole grace period: the
 * engine's stop only returns that late after escalating to SIGKILL. `confirm` (an exit code
 * check of 137, where the container still exists) may veto a report.
 */
export function trackStops(plan: Plan, project: Project | undefined, now: () => number, defaultTimeoutSeconds = 10) {
  const ops = new Map(plan.nodes.map((n) => [n.id, n.op]));
  const started = new Map<number, number>();
  const slow: StopTiming[] = [];
  return {
    onEvent(e: ProgressEvent): void {
      const op = ops.get(e.nodeId);
      if (op?.kind !== "stop-container") return;
      if (e.status === "working") started.set(e.nodeId, now());
      if (e.status !== "done") return;
      const t0 = started.get(e.nodeId);
      if (t0 === undefined) return;
      const grace = project?.services[op.service]?.stop_grace_period_ns;
      const timeoutSeconds = op.timeoutSeconds ?? (grace !== undefined ? Math.round(grace / 1e9) : defaultTimeoutSeconds);
      const elapsedMs = now() - t0;
      // A little slack: the stop call returns just after the kill, never before the timeout.
      if (timeoutSeconds > 0 && elapsedMs >= timeoutSeconds * 1000 - 50) slow.push({ service: op.service, container: op.container, elapsedMs, timeoutSeconds });
    },
    /** One hint per service, in the order they were seen. */
    async messages(confirm: (t: StopTiming) => Promise<boolean> = async () => true): Promise<string[]> {
      const out: string[] = [];
      const seen = new Set<string>();
      for (const t of slow) {
        if (seen.has(t.service) || !(await confirm(t))) continue;
        seen.add(t.service);
        out.push(escalationMessage(t.service, project?.services[t.service]?.stop_signal ?? "SIGTERM", t.timeoutSeconds));
      }
      return out;
    },
  };
}

/** Exit code 137 confirms the kill; a container already removed (down) cannot say otherwise. */
export function confirmKilled(client: EngineClient): (t: StopTiming) => Promise<boolean> {
  return async (t) => {
    try {
      return (await client.inspectContainer(t.container)).state.exitCode === 137;
    } catch {
      return true;
    }
  };
}
