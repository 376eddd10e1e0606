// One TCP/TLS connection and its read buffer, outliving the exchanges that use it. `onread`'s buffer
// and callback are fixed when the socket is created, so the connection dispatches every read and
// socket event to whoever owns it now: an exchange, the idle pool, or nobody.
import type { Socket } from "node:net";
import type { BufferPool } from "../buffer-pool.ts";

export interface OnRead {
  readonly buffer: Buffer;
  callback(bytesRead: number, buffer: Uint8Array): boolean;
}

/** Whoever uses the connection now. Calls come only while it is the owner. */
export interface ConnectionOwner {
  /** `bytes` is a view of the read buffer, valid during the call. Returns onread's answer: false pauses. */
  read(bytes: Uint8Array): boolean;
  /** The peer finished sending (FIN). */
  end(): void;
  error(err: Error): void;
  /** The socket's timeout (socket.setTimeout) elapsed. */
  timeout(): void;
  /** The socket closed; the read buffer is back in its pool. */
  close(): void;
}

/**
 * Lifecycle: created connecting and owned by nobody; the exchange that opened it attaches at once.
 * Ownership moves with `detach` + `attach` (exchange → idle pool → next exchange) until someone calls
 * `destroy`. Events that come while nobody owns it destroy it: nobody expects bytes then. The read
 * buffer goes back to its pool on 'close', never earlier (a read may still land in it until then).
 */
export class Connection {
  readonly socket: Socket;
  readonly buffer: Buffer;
  private owner: ConnectionOwner | undefined;

  /** Takes a read buffer from `pool` and opens the socket with it; the buffer goes back if that throws. */
  constructor(pool: BufferPool, openSocket: (onread: OnRead) => Socket) {
    this.buffer = pool.take();
    try {
      this.socket = openSocket({ buffer: this.buffer, callback: (n, buf) => this.onRead(n, buf) });
    } catch (err) {
      pool.give(this.buffer);
      throw err;
    }
    this.socket.on("end", () => this.dispatch((o) => o.end()));
    this.socket.on("error", (err) => this.dispatch((o) => o.error(err)));
    this.socket.on("timeout", () => this.dispatch((o) => o.timeout()));
    this.socket.on("close", () => {
      pool.give(this.buffer);
      const owner = this.owner;
      this.owner = undefined;
      owner?.close();
    });
  }

  /** True once the socket can carry no further exchange (destroyed, or the peer sent FIN). */
  get closed(): boolean {
    return this.socket.destroyed || this.socket.readableEnded;
  }

  /** Makes `owner` the receiver of every read and event from now on. */
  attach(owner: ConnectionOwner): void {
    this.owner = owner;
  }

  /** Gives up ownership if `owner` has it; what comes next destroys the connection unless someone attaches. */
  detach(owner: ConnectionOwner): void {
    if (this.owner === owner) this.owner = undefined;
  }

  destroy(): void {
    this.owner = undefined;
    this.socket.destroy();
  }

  private onRead(n: number, buf: Uint8Array): boolean {
    const owner = this.owner;
    if (owner === undefined) {
      this.destroy();
      return false;
    }
    const more = owner.read(buf.subarray(0, n));
    // The owner may hand the connection on during the call (a body that ended goes idle): then the
    // new owner's wish counts, and the idle pool wants to read so that it sees a close at once.
    return this.owner === owner ? more : this.owner !== undefined && !this.socket.destroyed;
  }

  private dispatch(call: (owner: ConnectionOwner) => void): void {
    if (this.owner === undefined) this.socket.destroy();
    else call(this.owner);
  }
}
