import { conflict, TstackError } from "../../common/errors.ts";
import type { ImageService } from "../image/image-service.ts";
import { parseSignal } from "../spec/index.ts";
import { emitContainerEvent } from "./container-events.ts";
import type { ContainerRecord } from "./container-record.ts";
import type { ContainerEngineDeps } from "./engine-deps.ts";
import type { ProcessSignaller } from "./process-signal.ts";
import type { OciRuntime } from "./runc.ts";
import { nextExit } from "./wait-container.ts";

// Signals, `docker stop` (the stop signal, a grace period, then SIGKILL) and `docker kill`. The
// exit itself is noticed by the exit handler (the shim's exit file), which these wait for.

export interface StopResult {
  /** The container ignored its stop signal for the whole grace period and was killed. */
  readonly escalated: boolean;
  readonly alreadyStopped: boolean;
}

export interface SignalDeps extends Pick<ContainerEngineDeps, "store" | "events"> {
  readonly runtime: Pick<OciRuntime, "kill" | "resume">;
  readonly signaller: Pick<ProcessSignaller, "signalIf">;
}

export interface StopDeps extends SignalDeps {
  readonly images: Pick<ImageService, "find">;
  /** An explicit stop or kill cancels a pending restart of the restart policy. */
  readonly restarts: { cancel(id: string): void };
}

const DEFAULT_STOP_TIMEOUT_S = 10;

/** Sends `sig` to the container's init (announced as a "kill" event). */
export async function signalContainer(d: SignalDeps, rec: ContainerRecord, sig: string): Promise<void> {
  emitContainerEvent(d.events, rec, "kill", { signal: sig.replace(/^SIG/, "") });
  const cur0 = d.store.find(rec.id);
  // With its own pid namespace, init is the container: what runc kill (--all for SIGKILL) does
  // comes down to one kill(2), as the kernel ends a pid namespace with its init. A frozen
  // container needs the runtime (it thaws it below).
  if (cur0?.state.status === "running" && cur0.state.pidStartTime !== undefined && (cur0.config.options.pid?.kind ?? "private") === "private") {
    await d.signaller.signalIf(cur0.state.pid, cur0.state.pidStartTime, sig);
    return;
  }
  try {
    await d.runtime.kill(rec.id, sig, sig === "SIGKILL");
    const cur = d.store.get(rec.id);
    // A frozen container cannot act on the signal: thaw it.
    if (cur.state.status === "paused") await d.runtime.resume(rec.id);
  } catch (err) {
    if (err instanceof TstackError && (err.kind === "NotFound" || err.kind === "FailedPrecondition")) return;
    throw err;
  }
}

/** Sends the stop signal, waits the grace period, then SIGKILL. */
export async function stopContainer(d: StopDeps, idOrName: string, timeoutSeconds?: number): Promise<StopResult> {
  const rec = d.store.get(idOrName);
  d.restarts.cancel(rec.id);
  const wasRunning = await d.store.locked(rec.id, async () => {
    const cur = d.store.get(rec.id);
    await d.store.save({ ...cur, state: { ...cur.state, explicitlyStopped: true } });
    if (cur.state.status === "restarting") {
      await d.store.save({ ...cur, state: { ...cur.state, status: "exited", explicitlyStopped: true } });
      return false;
    }
    return cur.state.status === "running" || cur.state.status === "paused";
  });
  if (!wasRunning) return { escalated: false, alreadyStopped: true };
  const timeout = timeoutSeconds ?? rec.config.stopTimeoutSeconds ?? DEFAULT_STOP_TIMEOUT_S;
  const imageStopSignal = async () => (await d.images.find(rec.config.imageId))?.config.config?.StopSignal;
  const signal = parseSignal(rec.config.options.stopSignal ?? (await imageStopSignal()) ?? "SIGTERM");
  const exited = nextExit(d.events, rec.id);
  // No grace period: the stop signal would only race the SIGKILL right behind it.
  if (timeout !== 0) await signalContainer(d, rec, signal.name);
  if (timeout > 0) {
    const done = await Promise.race([exited.then(() => true), delay(timeout * 1000).then(() => false)]);
    if (done) return { escalated: false, alreadyStopped: false };
  }
  await signalContainer(d, rec, "SIGKILL");
  await exited;
  return { escalated: timeout > 0, alreadyStopped: false };
}

/** `docker kill`: SIGKILL and SIGTERM also count as an explicit stop for the restart policy. */
export async function killContainer(d: StopDeps, idOrName: string, sig = "SIGKILL"): Promise<void> {
  const rec = d.store.get(idOrName);
  if (rec.state.status !== "running" && rec.state.status !== "paused") {
    throw conflict(`Container ${rec.id} is not running`);
  }
  const s = parseSignal(sig);
  if (s.number === 9 || s.number === 15) {
    await d.store.update(rec.id, (r) => ({ ...r, state: { ...r.state, explicitlyStopped: true } }));
    d.restarts.cancel(rec.id);
  }
  await signalContainer(d, rec, s.name);
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
