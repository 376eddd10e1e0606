import { TstackError } from "../../common/errors.ts";
import type { EventBus } from "../events/event-bus.ts";
import type { ContainerStore } from "./container-store.ts";

// `docker wait` and the engine's own waits for an exit, both on the container's events: "die"
// carries the exit code, "destroy" ends every wait.

export type WaitCondition = "not-running" | "next-exit" | "removed";

export interface WaitDeps {
  readonly store: Pick<ContainerStore, "get" | "find">;
  readonly events: EventBus;
}

const ACTIVE = ["running", "paused", "restarting"];

/** Resolves with the exit code once the condition holds. */
export async function waitContainer(
  d: WaitDeps,
  idOrName: string,
  condition: WaitCondition = "not-running",
  signal?: AbortSignal,
): Promise<{ exitCode: number; error?: string }> {
  const rec = d.store.get(idOrName);
  const sub = d.events.subscribe({
    filter: (e) => e.type === "container" && e.id === rec.id && (e.action === "die" || e.action === "destroy"),
    ...(signal ? { signal } : {}),
  });
  try {
    const cur = d.store.find(rec.id);
    if (condition === "not-running" && (!cur || !ACTIVE.includes(cur.state.status))) {
      return { exitCode: cur?.state.exitCode ?? rec.state.exitCode };
    }
    if (condition === "removed" && !cur) return { exitCode: rec.state.exitCode };
    // A destroy event carries no exit code: the last one seen (or recorded) is the answer.
    let lastExit = cur?.state.exitCode ?? rec.state.exitCode;
    for await (const e of sub) {
      if (e.action === "die") lastExit = Number(e.attributes["exitCode"] ?? d.store.find(rec.id)?.state.exitCode ?? lastExit);
      if (condition === "removed") {
        if (e.action === "destroy") return { exitCode: lastExit };
        continue;
      }
      if (condition === "not-running" && e.action === "die") {
        const now = d.store.find(rec.id);
        if (now?.state.status === "restarting") continue;
      }
      return { exitCode: Number(e.attributes["exitCode"] ?? d.store.find(rec.id)?.state.exitCode ?? 0) };
    }
    throw new TstackError("Unavailable", "wait cancelled");
  } finally {
    sub.close();
  }
}

/** Settles at the container's next "die" or "destroy" event. */
export function nextExit(events: EventBus, id: string): Promise<void> {
  return new Promise((resolve) => {
    const off = events.on((e) => {
      if (e.type === "container" && e.id === id && (e.action === "die" || e.action === "destroy")) {
        off();
        resolve();
      }
    });
  });
}
