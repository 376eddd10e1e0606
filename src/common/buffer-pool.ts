// Fixed-size buffers handed out and taken back. Fresh memory is expensive on the VMs tstack runs
// on: each new page is a fault (15-20 µs here), so streaming 93 MB through newly allocated
// buffers cost more than the copying itself. Buffers that come back are kept (up to `keep`) and
// handed out again, so a transfer touches the same pages as the one before it; after a quiet
// spell (`releaseAfterMs`) the kept ones are let go, so an idle engine does not hold them.

export interface BufferPool {
  readonly size: number;
  /** Unzeroed: whoever takes one only ever reads what they wrote into it. */
  take(): Buffer;
  /** Give back only once nothing reads from or writes into `buf` any more. */
  give(buf: Buffer): void;
  /** Buffers idle in the pool now. */
  readonly idle: number;
  /** Buffers allocated over the pool's life (reuse keeps this flat). */
  readonly allocations: number;
}

export interface BufferPoolOptions {
  /** Drop the kept buffers when none has come back for this long (default: keep them). */
  readonly releaseAfterMs?: number;
}

export function createBufferPool(size: number, keep: number, options: BufferPoolOptions = {}): BufferPool {
  let free: Buffer[] = [];
  let allocations = 0;
  let timer: NodeJS.Timeout | undefined;
  const { releaseAfterMs } = options;
  const releaseLater = () => {
    if (releaseAfterMs === undefined) return;
    if (timer !== undefined) {
      timer.refresh();
      return;
    }
    timer = setTimeout(() => {
      timer = undefined;
      free = [];
    }, releaseAfterMs);
    timer.unref();
  };
  return {
    size,
    take() {
      const reused = free.pop();
      if (reused !== undefined) return reused;
      allocations++;
      return Buffer.allocUnsafeSlow(size);
    },
    give(buf) {
      if (buf.byteLength !== size || free.length >= keep || free.includes(buf)) return;
      free.push(buf);
      releaseLater();
    },
    get idle() {
      return free.length;
    },
    get allocations() {
      return allocations;
    },
  };
}
