import type { Duplex } from "node:stream";

// Reads an upgraded connection's bytes: what node already read past the headers (`head`)
// first, then the socket. Node hands an upgrade request over unparsed, so a body (exec start
// sends `{"Detach":false,"Tty":false}`) is taken from here by Content-Length; what follows
// is the client's stdin.
export class SocketReader {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(private readonly socket: Duplex, head: Buffer) {
    if (head.length > 0) this.push(head);
    socket.on("data", (b: Buffer) => this.push(b));
    const end = () => {
      this.ended = true;
      this.notify();
    };
    socket.on("end", end);
    socket.on("close", end);
    socket.on("error", end);
  }

  private push(b: Buffer): void {
    this.queue.push(b);
    this.queued += b.length;
    if (this.queued > 1024 * 1024) this.socket.pause();
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  async read(): Promise<Buffer | undefined> {
    for (;;) {
      const b = this.queue.shift();
      if (b) {
        this.queued -= b.length;
        if (this.queued <= 1024 * 1024) this.socket.resume();
        return b;
      }
      if (this.ended) return undefined;
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  unshift(b: Buffer): void {
    if (b.length === 0) return;
    this.queue.unshift(b);
    this.queued += b.length;
  }

  /** Exactly `n` bytes (fewer if the client ends early). */
  async *take(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      const b = await this.read();
      if (!b) return;
      if (b.length > left) {
        this.unshift(b.subarray(left));
        yield b.subarray(0, left);
        return;
      }
      left -= b.length;
      yield b;
    }
  }

  async *rest(): AsyncGenerator<Buffer> {
    for (;;) {
      const b = await this.read();
      if (!b) return;
      yield b;
    }
  }
}
