import type { Worker } from "node:worker_threads";
import { startModuleWorker } from "../module-worker.ts";
import { runWith, SpawnFailure, type ProcessRunner, type SpawnOnce } from "./process-runner.ts";
import { spawnPiped } from "./spawn-piped.ts";
import type { FromSpawnWorker, SpawnResult, ToSpawnWorker } from "./spawn-protocol.ts";

/**
 * Runs programs on worker threads (node's spawn there), so that starting them never blocks the
 * caller's thread: the engine's runner when tstack-spawn is not built. Idle workers never keep
 * the process alive; a run in flight does. `close()` ends the workers, failing runs in flight;
 * later runs reject. `pipe` spawns on this thread (spawn-piped.ts).
 */
export interface WorkerRunner extends ProcessRunner, AsyncDisposable {
  close(): Promise<void>;
}

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve(r: SpawnResult): void; reject(e: Error): void }>;
}

export interface WorkerRunnerOptions {
  /** Worker threads (default 1): each spawns one program at a time, runs any number. */
  readonly size?: number;
  readonly startWorker?: () => Worker;
}

export function createWorkerRunner(options: WorkerRunnerOptions = {}): WorkerRunner {
  // One worker measured best on 2 cores (20 containers up/down: 1 < 2 < 4 workers): more
  // spawns at once only contend for the same CPUs.
  const size = Math.max(1, options.size ?? 1);
  const start = options.startWorker ?? (() => startModuleWorker(import.meta.url, "spawn-worker"));
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;

  function failAll(slot: Slot, err: Error): void {
    for (const p of slot.pending.values()) p.reject(err);
    slot.pending.clear();
  }

  function startSlot(): Slot {
    const slot: Slot = { worker: start(), pending: new Map() };
    slot.worker.unref(); // idle workers never keep the process alive
    slot.worker.on("message", (m: FromSpawnWorker) => {
      const p = slot.pending.get(m.id);
      if (!p) return;
      slot.pending.delete(m.id);
      if (slot.pending.size === 0) slot.worker.unref();
      if (m.type === "done") p.resolve(m.result);
      else p.reject(new SpawnFailure(m.message, m.code));
    });
    slot.worker.on("error", (err) => failAll(slot, new SpawnFailure(`spawn worker failed: ${err.message}`)));
    slot.worker.on("exit", (code) => {
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      failAll(slot, new SpawnFailure(`spawn worker exited (code ${code})`));
    });
    slots.push(slot);
    return slot;
  }

  // The least busy worker; a new one while fewer than `size` run.
  function pick(): Slot {
    const free = slots.reduce<Slot | undefined>((best, s) => (best === undefined || s.pending.size < best.pending.size ? s : best), undefined);
    if (free === undefined || (free.pending.size > 0 && slots.length < size)) return startSlot();
    return free;
  }

  const spawnOnce: SpawnOnce = (request, signal) => {
    if (closed) return Promise.reject(new SpawnFailure("the worker runner is closed"));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const slot = pick();
    const id = nextId++;
    return new Promise<SpawnResult>((resolve, reject) => {
      const onAbort = () => slot.worker.postMessage({ type: "cancel", id } satisfies ToSpawnWorker);
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = () => signal?.removeEventListener("abort", onAbort);
      slot.pending.set(id, {
        resolve: (r) => {
          done();
          resolve(r);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      slot.worker.ref(); // a run in flight keeps the process alive
      slot.worker.postMessage({ type: "run", id, request } satisfies ToSpawnWorker);
    });
  };

  const close = async () => {
    closed = true;
    await Promise.all(slots.splice(0).map((s) => s.worker.terminate()));
  };
  return {
    run: (file, args, o) => runWith(spawnOnce, file, args, o),
    pipe: spawnPiped,
    close,
    [Symbol.asyncDispose]: close,
  };
}
