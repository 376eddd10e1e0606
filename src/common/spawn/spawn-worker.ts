// A spawn worker: runs programs for the engine's thread. child_process.spawn blocks its calling
// thread until the child has exec'd (libuv waits on a pipe for it): 10–25 ms a program on a busy
// 2-core machine, which on the engine's one thread serialised every runc, mount and CNI call of
// `up` and `down`. Here that wait is this thread's, and several workers spawn side by side.
import { parentPort } from "node:worker_threads";
import { SpawnFailure } from "./process-runner.ts";
import { runChild } from "./run-child.ts";
import type { FromSpawnWorker, ToSpawnWorker } from "./spawn-protocol.ts";

const port = parentPort;
if (port === null) throw new Error("spawn-worker.ts runs as a worker thread");
const running = new Map<number, AbortController>();
const reply = (m: FromSpawnWorker) => port.postMessage(m);

port.on("message", (m: ToSpawnWorker) => {
  if (m.type === "cancel") {
    running.get(m.id)?.abort();
    return;
  }
  const ac = new AbortController();
  running.set(m.id, ac);
  runChild(m.request, ac.signal)
    .then((result) => reply({ type: "done", id: m.id, result }))
    .catch((err: unknown) =>
      reply({ type: "failed", id: m.id, message: (err as Error).message, ...(err instanceof SpawnFailure && err.code !== undefined ? { code: err.code } : {}) }),
    )
    .finally(() => running.delete(m.id));
});
