import type { PlanNode, PlanOp } from "./plan-types.ts";

/** Accumulates nodes in emission order; a node may only depend on nodes added before it. */
export class PlanBuilder {
  readonly #nodes: PlanNode[] = [];
  readonly warnings: string[] = [];

  add(op: PlanOp, reason: string, deps: Iterable<number | undefined> = []): number {
    const id = this.#nodes.length + 1;
    const ds = [...new Set([...deps].filter((d): d is number => d !== undefined))].sort((a, b) => a - b);
    for (const d of ds) if (d >= id) throw new Error(`plan node ${id} depends on later node ${d}`);
    this.#nodes.push({ id, op, reason, deps: ds });
    return id;
  }

  nodes(): readonly PlanNode[] {
    return this.#nodes;
  }
}
