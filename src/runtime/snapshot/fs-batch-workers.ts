import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { createBufferPool } from "../../common/buffer-pool.ts";
import { TstackError } from "../../common/errors.ts";
import { startModuleWorker } from "../../common/module-worker.ts";
import type { FromFsWorker, FsOp, ToFsWorker } from "./fs-batch.ts";

/**
 * A layer's filesystem ops, queued in order to one fs-batch worker (see fs-batch-worker.ts).
 * Ops are sent in batches; a failure is known once its batch comes back, and is then thrown by
 * the next call, naming the tar entry whose op failed.
 */
export interface FsStream {
  /** Queues `op` for the entry `name`; resolves at once unless too much is already queued. */
  op(op: FsOp, name: string): Promise<void> | undefined;
  /** Queues the bytes of the current file (copied: `bytes` may be reused by the caller). */
  write(bytes: Uint8Array, name: string): Promise<void> | undefined;
  /** Resolves once every queued op has run; throws the stream's failure. */
  barrier(): Promise<void>;
  /** Waits for the stream's ops to stop (failure or not) and closes its open file. Idempotent. */
  end(): Promise<void>;
}

export interface FsWorkers {
  stream(): FsStream;
  close(): Promise<void>;
}

export interface FsWorkersOptions {
  /**
   * Worker threads; layers are spread over them. Default: the cores but one (the caller's thread
   * reads the tar), from 1 to 4. On 2 cores, 1, 2 and 4 workers unpacked the bench image's 4
   * layers alike (1362, 1411, 1412 ms, alternating), and each worker is ~9 MiB of isolate.
   */
  readonly size?: number;
  readonly startWorker?: () => Worker;
  /** How long an idle worker is kept (default 15 s). */
  readonly idleMs?: number;
}

// A batch goes when it has this many ops or its data buffer is full; a stream has at most
// MAX_IN_FLIGHT batches out, so memory stays bounded (~4 MiB a layer).
const MAX_OPS = 256;
const DATA_BYTES = 1 << 20;
const MAX_IN_FLIGHT = 4;

interface Slot {
  readonly worker: Worker;
  readonly streams: Map<number, (m: FromFsWorker) => void>;
  outstanding: number;
  idle: NodeJS.Timeout | undefined;
}

// A worker with nothing to do for this long is stopped: an engine that pulled once should not
// keep four isolates' memory; starting one again costs a few tens of ms.
const IDLE_MS = 15_000;

export function createFsWorkers(options: FsWorkersOptions = {}): FsWorkers {
  const size = Math.max(1, options.size ?? Math.min(4, availableParallelism() - 1));
  const start = options.startWorker ?? (() => startModuleWorker(import.meta.url, "fs-batch-worker"));
  const idleMs = options.idleMs ?? IDLE_MS;
  const pool = createBufferPool(DATA_BYTES, size * (MAX_IN_FLIGHT + 1), { releaseAfterMs: idleMs });
  const slots: (Slot | undefined)[] = Array.from({ length: size }, () => undefined);
  let nextStream = 1;
  let closed = false;

  function slotFor(stream: number): Slot {
    const i = stream % size;
    const existing = slots[i];
    if (existing) {
      clearTimeout(existing.idle);
      existing.idle = undefined;
      return existing;
    }
    const worker = start();
    const slot: Slot = { worker, streams: new Map(), outstanding: 0, idle: undefined };
    worker.unref(); // kept for the next unpack; ref'd only while it has work
    worker.on("message", (m: FromFsWorker) => slot.streams.get(m.stream)?.(m));
    const fail = (err: Error) => {
      if (slots[i] === slot) slots[i] = undefined;
      clearTimeout(slot.idle);
      for (const deliver of slot.streams.values()) {
        deliver({ type: "failed", stream: -1, seq: -1, index: -1, message: `fs worker stopped: ${err.message}` });
      }
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`exit code ${code}`)));
    slots[i] = slot;
    return slot;
  }

  function post(slot: Slot, m: ToFsWorker, transfer: ArrayBuffer[] = []): void {
    if (slot.outstanding++ === 0) slot.worker.ref();
    slot.worker.postMessage(m, transfer);
  }

  function settled(slot: Slot): void {
    if (--slot.outstanding === 0) slot.worker.unref();
  }

  function released(slot: Slot): void {
    if (slot.outstanding > 0 || slot.streams.size > 0 || closed) return;
    clearTimeout(slot.idle);
    slot.idle = setTimeout(() => {
      const i = slots.indexOf(slot);
      if (i === -1 || slot.outstanding > 0 || slot.streams.size > 0) return;
      slots[i] = undefined;
      void slot.worker.terminate();
    }, idleMs);
    slot.idle.unref();
  }

  function stream(): FsStream {
    if (closed) throw new Error("fs workers are closed");
    const id = nextStream++;
    const slot = slotFor(id);
    let seq = 0;
    let ops: FsOp[] = [];
    let names: string[] = [];
    let data: Buffer | undefined;
    let used = 0;
    const inFlight = new Map<number, readonly string[]>();
    let failure: TstackError | undefined;
    let waiters: (() => void)[] = [];
    let ended: Promise<void> | undefined;

    slot.streams.set(id, (m) => {
      const batchNames = inFlight.get(m.seq);
      inFlight.delete(m.seq);
      if (m.seq >= 0) settled(slot);
      if (m.data !== undefined) pool.give(Buffer.from(m.data));
      if (m.type === "failed" && failure === undefined) {
        const name = batchNames?.[m.index];
        const what = name === undefined ? "unpacking" : `unpacking tar entry ${JSON.stringify(name)}`;
        const cause = Object.assign(new Error(m.message), m.code !== undefined ? { code: m.code } : {});
        failure = new TstackError("Internal", `${what}: ${String(cause)}`, { cause });
      }
      if (m.seq < 0) inFlight.clear(); // the worker died: nothing more will come back
      const w = waiters;
      waiters = [];
      for (const wake of w) wake();
    });

    const check = () => {
      if (failure !== undefined) throw failure;
    };
    const waitForRoom = async (limit: number) => {
      while (inFlight.size > limit && failure === undefined) await new Promise<void>((r) => waiters.push(r));
      check();
    };

    function send(): Promise<void> | undefined {
      if (ops.length === 0) return undefined;
      const buf = data ?? pool.take();
      const m: ToFsWorker = { type: "batch", stream: id, seq: seq, ops, data: buf.buffer as ArrayBuffer, used };
      inFlight.set(seq++, names);
      ops = [];
      names = [];
      data = undefined;
      used = 0;
      post(slot, m, [m.data]);
      return inFlight.size >= MAX_IN_FLIGHT ? waitForRoom(MAX_IN_FLIGHT - 1) : undefined;
    }

    function push(op: FsOp, name: string): Promise<void> | undefined {
      check();
      ops.push(op);
      names.push(name);
      return ops.length >= MAX_OPS ? send() : undefined;
    }

    function write(bytes: Uint8Array, name: string): Promise<void> | undefined {
      check();
      let off = 0;
      let wait: Promise<void> | undefined;
      while (off < bytes.byteLength) {
        data ??= pool.take();
        const n = Math.min(bytes.byteLength - off, data.byteLength - used);
        data.set(bytes.subarray(off, off + n), used);
        ops.push({ k: "write", off: used, len: n });
        names.push(name);
        used += n;
        off += n;
        if (used === data.byteLength || ops.length >= MAX_OPS) {
          wait = send();
          // What was copied is queued; the rest waits for room.
          if (wait !== undefined && off < bytes.byteLength) {
            const rest = bytes.subarray(off);
            return wait.then(() => write(rest, name));
          }
        }
      }
      return wait;
    }

    return {
      op: push,
      write,
      async barrier() {
        await send();
        await waitForRoom(0);
      },
      end() {
        ended ??= (async () => {
          await send()?.catch(() => undefined);
          while (inFlight.size > 0) await new Promise<void>((r) => waiters.push(r));
          if (!slots.includes(slot)) {
            slot.streams.delete(id);
            return; // the worker is gone, and its open file with it
          }
          await new Promise<void>((resolve) => {
            inFlight.set(seq, []);
            waiters.push(resolve);
            post(slot, { type: "end", stream: id, seq: seq++ });
          });
          slot.streams.delete(id);
          released(slot);
        })();
        return ended;
      },
    };
  }

  return {
    stream,
    async close() {
      closed = true;
      const running = slots.filter((s): s is Slot => s !== undefined);
      slots.fill(undefined);
      for (const s of running) clearTimeout(s.idle);
      await Promise.all(running.map((s) => s.worker.terminate()));
    },
  };
}
