import type { Project } from "../model/index.ts";
import { imageRef, type PlanNode } from "../plan/index.ts";
import { runPlan } from "./run-plan.ts";
import type { StackContext } from "./stack-context.ts";

/**
 * `pull`: pulls the services' images (those with `image:`; built ones are skipped), in parallel
 * with progress. With `ignoreFailures`, one at a time, a failure being a warning.
 */
export async function pull(s: StackContext, project: Project, o: { readonly services: readonly string[]; readonly ignoreFailures: boolean }): Promise<void> {
  const byRef = new Map<string, string[]>();
  for (const svc of Object.values(project.services)) {
    if ((o.services.length > 0 && !o.services.includes(svc.name)) || svc.image === undefined) continue;
    const ref = imageRef(project, svc);
    byRef.set(ref, [...(byRef.get(ref) ?? []), svc.name]);
  }
  const nodes: PlanNode[] = [...byRef].map(([image, services], i) => ({ id: i + 1, op: { kind: "pull-image", image, services }, reason: "pull requested", deps: [] }));
  if (!o.ignoreFailures) return runPlan(s, { nodes, warnings: [] }, "Pulling");
  for (const n of nodes) {
    try {
      await runPlan(s, { nodes: [{ ...n, id: 1 }], warnings: [] }, "Pulling");
    } catch (err) {
      s.reporter.warn((err as Error).message);
    }
  }
}
