import { isKind } from "../common/errors.ts";
import type { EngineClient } from "../compose/engine-client/index.ts";
import { PlanExecutionError, execute, type ProgressSink } from "../compose/execute/index.ts";
import type { Project } from "../compose/model/index.ts";
import { imageRef, type Plan } from "../compose/plan/index.ts";
import { categorize } from "./cli-errors.ts";
import type { CommandContext } from "./context.ts";
import { createProgressRenderer } from "./progress/renderer.ts";

/** Image reference → the ID the engine has for it, undefined when absent (the planner decides on pulls). */
export async function resolveImages(client: EngineClient, project: Project, services: readonly string[], signal?: AbortSignal): Promise<Record<string, string | undefined>> {
  const refs = new Set<string>();
  // All services, not only the selected ones: their dependencies need images too, and an
  // inspect is cheap.
  void services;
  for (const s of Object.values(project.services)) refs.add(imageRef(project, s));
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
 * Runs a plan with the progress display of --progress, then prints the plan's warnings.
 * A failed pull exits like docker compose's (18).
 */
export async function runPlan(ctx: CommandContext, plan: Plan, client: EngineClient, verb = "Running", onEvent?: ProgressSink): Promise<void> {
  const renderer = createProgressRenderer({ mode: ctx.global.progress, stream: ctx.io.stderr, color: ctx.color, now: ctx.io.now, verb });
  try {
    await execute(plan, client, {
      signal: ctx.io.interrupt.signal,
      ...(ctx.global.parallel !== undefined ? { concurrency: ctx.global.parallel } : {}),
      onEvent: (e) => {
        renderer.sink(e);
        onEvent?.(e);
      },
    });
  } catch (err) {
    if (err instanceof PlanExecutionError && err.node.op.kind === "pull-image") throw categorize("pull", err);
    throw err;
  } finally {
    renderer.close();
    ctx.warn(...plan.warnings);
  }
}
