import type { Plan, PlanOp } from "./plan-types.ts";

/** "create container demo-web-1" — the verb and object a person reads in a plan or progress line. */
export function describeOp(op: PlanOp): string {
  switch (op.kind) {
    case "create-network":
      return `create network ${op.name}`;
    case "remove-network":
      return `remove network ${op.name}`;
    case "create-volume":
      return `create volume ${op.name}`;
    case "remove-volume":
      return `remove volume ${op.name}`;
    case "pull-image":
      return `pull image ${op.image}`;
    case "create-container":
      return `create container ${op.name}`;
    case "start-container":
      return `start container ${op.name}`;
    case "stop-container":
      return `stop container ${op.name}`;
    case "remove-container":
      return `remove container ${op.name}${op.volumes ? " and its anonymous volumes" : ""}`;
    case "rename-container":
      return `rename container ${op.name} to ${op.to}`;
    case "wait":
      return `wait for ${op.service} ${op.condition === "service_healthy" ? "healthy" : "completed successfully"}`;
  }
}

/**
 * The `--dry-run` text: one line per operation in execution order,
 * `#id action object: reason (after #deps)`, then warnings. Stable, so golden tests can pin it.
 */
export function formatPlan(plan: Plan): string {
  const lines = plan.nodes.map((n) => {
    const after = n.deps.length > 0 ? ` (after ${n.deps.map((d) => `#${d}`).join(", ")})` : "";
    return `#${n.id} ${describeOp(n.op)}: ${n.reason}${after}`;
  });
  if (lines.length === 0) lines.push("no changes");
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  return `${lines.join("\n")}\n`;
}
