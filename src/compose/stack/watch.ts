import { startWatch, type WatchSessionOptions } from "../watch/index.ts";
import type { StackContext, StackProject } from "./stack-context.ts";
import { up } from "./up.ts";

export interface WatchOptions extends WatchSessionOptions {
  /** Watch the stack as it is; else bring the services up first (detached). */
  readonly noUp: boolean;
}

/**
 * `watch`: brings the services up (unless noUp), then syncs, restarts and rebuilds them as their
 * develop.watch rules say until the signal aborts (Ctrl-C).
 */
export async function watch(s: StackContext, sp: StackProject, o: WatchOptions): Promise<void> {
  if (!o.noUp) {
    await up(s, sp, {
      services: o.services,
      noDeps: false,
      forceRecreate: false,
      noRecreate: false,
      alwaysRecreateDeps: false,
      removeOrphans: false,
      scale: {},
      noStart: false,
      dryRun: false,
      then: { kind: "detach" },
    });
  }
  const session = await startWatch(s, sp.project, o);
  try {
    await untilAborted(s.signal);
  } finally {
    await session.close();
  }
}

export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
}
