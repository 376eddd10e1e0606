import { isKind } from "../../common/errors.ts";
import type { EngineClient } from "../engine-client/index.ts";
import { execute, type ProgressSink } from "../execute/index.ts";
import type { Project } from "../model/index.ts";
import { imageRef, type Plan } from "../plan/index.ts";
import type { StackContext } from "./stack-context.ts";

/**
 * Image reference → the ID the engine has for it, undefined when absent (the planner decides on
 * pulls). Every service's, not only the selected ones: their dependencies need images too, and
 * an inspect is cheap.
 */
export async function resolveImages(client: EngineClient, project: Project, signal?: AbortSignal): Promise<Record<string, string | undefined>> {
  const refs = new Set(Object.values(project.services).map((s) => imageRef(project, s)));
  const out: Record<string, string | undefined> = {};
  await Promise.all(
    [...refs].map(async (ref) => {
      try {
        out[ref] = (await client.inspectImage(ref, signal !== undefined ? { signal } : {})).id;
      } catch (err) {
        if (!isKind(err, "NotFound")) throw err;
        out[ref] = undefined;
      }
    }),
  );
  return out;
}

/**
 * Runs a plan with a progress display headed by `verb`, then reports the plan's warnings. A
 * failure is the executor's PlanExecutionError, naming the operation that failed.
 */
export async function runPlan(s: StackContext, plan: Plan, verb = "Running", onEvent?: ProgressSink): Promise<void> {
  const display = s.reporter.progress(verb);
  try {
    await execute(plan, s.client, {
      signal: s.signal,
      ...(s.concurrency !== undefined ? { concurrency: s.concurrency } : {}),
      ...(s.sleep !== undefined ? { sleep: s.sleep } : {}),
      onEvent: (e) => {
        display.sink(e);
        onEvent?.(e);
      },
    });
  } finally {
    display.close();
    for (const w of plan.warnings) s.reporter.warn(w);
  }
}
