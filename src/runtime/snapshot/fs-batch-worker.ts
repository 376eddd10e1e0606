// An fs-batch worker: performs a layer's filesystem ops in order, with sync calls, on its own
// thread. Unpacking is mostly a long series of tiny syscalls (open, write, chown, chmod, utimes,
// close, mkdir, symlink) whose kernel time, done on the engine's thread, left the CPU's other
// core idle while `tar` spreads the same work over its processes. Here that time runs beside
// the tar reading and inflating of the main thread, and layers unpack side by side.
import {
  chmodSync,
  closeSync,
  constants as fsc,
  fchmodSync,
  fchownSync,
  futimesSync,
  lchownSync,
  linkSync,
  lutimesSync,
  mkdirSync,
  openSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { parentPort } from "node:worker_threads";
import type { FromFsWorker, FsOp, ToFsWorker } from "./fs-batch.ts";

const port = parentPort;
if (port === null) throw new Error("fs-batch-worker.ts runs as a worker thread");

const WRITE_FLAGS = fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW;

interface Stream {
  fd: number | undefined;
  failed: boolean;
}
const streams = new Map<number, Stream>();

function perform(s: Stream, op: FsOp, data: Buffer): void {
  switch (op.k) {
    case "mkdir":
      mkdirSync(op.path, op.mkdirMode);
      if (op.mode !== undefined) chmodSync(op.path, op.mode);
      return;
    case "rm":
      if (op.dir) rmSync(op.path, { recursive: true, force: true });
      else unlinkSync(op.path);
      return;
    case "own":
      lchownSync(op.path, op.uid, op.gid);
      chmodSync(op.path, op.mode);
      return;
    case "open":
      s.fd = openSync(op.path, WRITE_FLAGS, 0o600);
      return;
    case "write": {
      const fd = current(s);
      let off = 0;
      while (off < op.len) off += writeSync(fd, data, op.off + off, op.len - off);
      return;
    }
    case "close": {
      const fd = current(s);
      s.fd = undefined;
      try {
        fchownSync(fd, op.uid, op.gid);
        fchmodSync(fd, op.mode);
        futimesSync(fd, op.atime, op.mtime);
      } finally {
        closeSync(fd);
      }
      return;
    }
    case "symlink":
      symlinkSync(op.target, op.path);
      lchownSync(op.path, op.uid, op.gid);
      lutimesSync(op.path, op.atime, op.mtime);
      return;
    case "link":
      // link(2) does not follow a symlink target; the tree checked the target's parents.
      linkSync(op.target, op.path);
      return;
    case "node":
      lchownSync(op.path, op.uid, op.gid);
      chmodSync(op.path, op.mode);
      lutimesSync(op.path, op.atime, op.mtime);
      return;
    case "utimes":
      lutimesSync(op.path, op.atime, op.mtime);
      return;
    default: {
      const never: never = op;
      throw new Error(`unknown fs op ${JSON.stringify(never)}`);
    }
  }
}

function current(s: Stream): number {
  if (s.fd === undefined) throw new Error("no file is open");
  return s.fd;
}

function closeCurrent(s: Stream): void {
  if (s.fd === undefined) return;
  const fd = s.fd;
  s.fd = undefined;
  try {
    closeSync(fd);
  } catch {
    // Closing after a failure: the failure is what gets reported.
  }
}

port.on("message", (m: ToFsWorker) => {
  if (m.type === "end") {
    const s = streams.get(m.stream);
    if (s) closeCurrent(s);
    streams.delete(m.stream);
    port.postMessage({ type: "done", stream: m.stream, seq: m.seq } satisfies FromFsWorker);
    return;
  }
  let s = streams.get(m.stream);
  if (s === undefined) streams.set(m.stream, (s = { fd: undefined, failed: false }));
  const data = Buffer.from(m.data, 0, m.used);
  const back = { data: m.data };
  if (s.failed) {
    port.postMessage({ type: "done", stream: m.stream, seq: m.seq, ...back } satisfies FromFsWorker, [m.data]);
    return;
  }
  for (let i = 0; i < m.ops.length; i++) {
    try {
      perform(s, m.ops[i]!, data);
    } catch (err) {
      s.failed = true;
      closeCurrent(s);
      const e = err as NodeJS.ErrnoException;
      const reply: FromFsWorker = {
        type: "failed",
        stream: m.stream,
        seq: m.seq,
        index: i,
        message: e.message,
        ...(e.code !== undefined ? { code: e.code } : {}),
        ...back,
      };
      port.postMessage(reply, [m.data]);
      return;
    }
  }
  port.postMessage({ type: "done", stream: m.stream, seq: m.seq, ...back } satisfies FromFsWorker, [m.data]);
});
