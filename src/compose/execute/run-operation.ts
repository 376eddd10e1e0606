import type { EngineClient } from "../engine-client/index.ts";
import { LABEL } from "../labels/index.ts";
import type { PlanNode } from "../plan/index.ts";
import type { ProgressEvent } from "./progress.ts";
import { waitForCondition, type WaitDeps } from "./wait-condition.ts";

export interface OperationContext extends WaitDeps {
  readonly emit: (e: Omit<ProgressEvent, "nodeId" | "resource" | "action">) => void;
}

/** Performs one plan node: one engine call (two for a create whose image label is filled in, polling for a wait). */
export async function runOperation(node: PlanNode, ctx: OperationContext): Promise<void> {
  const { client, signal } = ctx;
  const op = node.op;
  switch (op.kind) {
    case "create-network":
      await client.createNetwork(op.body, { signal });
      return;
    case "remove-network":
      await client.removeNetwork(op.name, { signal });
      return;
    case "create-volume":
      await client.createVolume(op.body, { signal });
      return;
    case "remove-volume":
      await client.removeVolume(op.name, { signal });
      return;
    case "pull-image":
      await client.pullImage(op.image, {
        signal,
        ...(op.platform ? { platform: op.platform } : {}),
        onProgress: (p) => ctx.emit({ status: "progress", detail: [p.id, p.status].filter(Boolean).join(": ") }),
      });
      return;
    case "create-container": {
      const body = op.resolveImageId ? { ...op.body, Labels: { ...op.body.Labels, [LABEL.image]: await imageIdOf(client, op.body.Image, signal) } } : op.body;
      const r = await client.createContainer(op.name, body, { signal });
      for (const w of r.warnings) ctx.emit({ status: "warning", detail: w });
      return;
    }
    case "start-container":
      await client.startContainer(op.container, { signal });
      return;
    case "stop-container":
      await client.stopContainer(op.container, { signal, ...(op.timeoutSeconds !== undefined ? { timeoutSeconds: op.timeoutSeconds } : {}) });
      return;
    case "remove-container":
      await client.removeContainer(op.container, { signal, volumes: op.volumes });
      return;
    case "rename-container":
      await client.renameContainer(op.container, op.to, { signal });
      return;
    case "wait":
      await waitForCondition(op, ctx);
      return;
  }
}

async function imageIdOf(client: EngineClient, ref: string, signal: AbortSignal): Promise<string> {
  return (await client.inspectImage(ref, { signal })).id;
}
