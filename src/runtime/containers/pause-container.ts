import { conflict } from "../../common/errors.ts";
import { emitContainerEvent } from "./container-events.ts";
import type { ContainerEngineDeps } from "./engine-deps.ts";
import type { OciRuntime } from "./runc.ts";

// `docker pause` and `unpause`: the runtime freezes or thaws the container's cgroup.

export interface PauseDeps extends Pick<ContainerEngineDeps, "store" | "events"> {
  readonly runtime: Pick<OciRuntime, "pause" | "resume">;
}

const STEPS = {
  pause: { from: "running", to: "paused", refusal: "is not running", run: (rt: PauseDeps["runtime"], id: string) => rt.pause(id) },
  unpause: { from: "paused", to: "running", refusal: "is not paused", run: (rt: PauseDeps["runtime"], id: string) => rt.resume(id) },
} as const;

async function step(d: PauseDeps, idOrName: string, action: keyof typeof STEPS): Promise<void> {
  const s = STEPS[action];
  const rec = d.store.get(idOrName);
  await d.store.locked(rec.id, async () => {
    const cur = d.store.get(rec.id);
    if (cur.state.status !== s.from) throw conflict(`Container ${cur.id} ${s.refusal}`);
    await s.run(d.runtime, cur.id);
    emitContainerEvent(d.events, await d.store.save({ ...cur, state: { ...cur.state, status: s.to } }), action);
  });
}

export const pauseContainer = (d: PauseDeps, idOrName: string): Promise<void> => step(d, idOrName, "pause");
export const unpauseContainer = (d: PauseDeps, idOrName: string): Promise<void> => step(d, idOrName, "unpause");
