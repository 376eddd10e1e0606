import { emitContainerEvent } from "./container-events.ts";
import type { ContainerState } from "./container-record.ts";
import type { ContainerEngineDeps } from "./engine-deps.ts";

/**
 * Stores one healthcheck result of a running container (`update` returns undefined to store
 * nothing), and announces a change of its health status as Docker's "health_status: …" event.
 */
export async function recordHealth(
  d: Pick<ContainerEngineDeps, "store" | "events">,
  id: string,
  update: (s: ContainerState) => ContainerState | undefined,
): Promise<void> {
  await d.store.locked(id, async () => {
    const rec = d.store.find(id);
    if (!rec || rec.state.status !== "running") return;
    const next = update(rec.state);
    if (!next) return;
    const saved = await d.store.save({ ...rec, state: next });
    if (next.health && next.health.status !== rec.state.health?.status) {
      emitContainerEvent(d.events, saved, `health_status: ${next.health.status}`);
    }
  });
}
