// One request/response on a connection it owns meanwhile, driven by the socket's `onread` callback so
// that every read lands in the connection's one buffer and body bytes go to the sink straight from it.
import type { Socket } from "node:net";
import { failedPrecondition } from "../errors.ts";
import { bodyDecoder, type BodyDecoder } from "./body-decoder.ts";
import { bodyFraming, type BodyFraming } from "./body-framing.ts";
import type { ByteSink } from "./byte-sink.ts";
import type { Connection, ConnectionOwner } from "./connection.ts";
import { responseKeepsAlive } from "./keep-alive.ts";
import { MAX_HEAD_BYTES, parseResponseHead, type ResponseHead } from "./response-head.ts";

export interface ReceivedHead extends ResponseHead {
  readonly framing: BodyFraming;
}

export interface ExchangeOptions {
  readonly method: "GET" | "HEAD";
  /** The request head, written as latin1 as soon as the socket exists. */
  readonly requestHead: string;
  /** "host:port", for messages. */
  readonly peer: string;
  readonly signal: AbortSignal | undefined;
  /** Owned by nobody (fresh, or taken from the idle pool); the exchange owns it until it settles. */
  readonly connection: Connection;
  /** The connection carried an earlier exchange; see `stale`. */
  readonly reused: boolean;
  /** The connection fails when the peer sends nothing for this long while we wait to read. */
  readonly idleTimeoutMs: number;
  /**
   * Takes the connection after a response that ended cleanly: body read to its framed end, nothing
   * beyond it, and neither side said close. Undefined: the connection is closed after the response.
   */
  readonly park: ((connection: Connection) => void) | undefined;
}

type State = "open" | "finished" | "failed";

/**
 * Lifecycle: `head` settles once. After it resolves the socket is paused (bytes that came with the
 * head are kept, copied) until exactly one of `pipeTo` or `cancel`; a second call is refused. When the
 * exchange settles it gives up the connection: to `park` if reusable, else destroyed.
 */
export class Http1Exchange {
  readonly head: Promise<ReceivedHead>;
  private resolveHead!: (head: ReceivedHead) => void;
  private rejectHead!: (err: unknown) => void;
  private resolveBody: (() => void) | undefined;
  private rejectBody: ((err: unknown) => void) | undefined;

  private readonly connection: Connection;
  /** What the connection calls while this exchange owns it. */
  private readonly owner: ConnectionOwner = {
    read: (bytes) => this.onReadPausing(bytes),
    end: () => this.onEnd(),
    error: (err) => this.failConnection(this.networkError(err)),
    timeout: () =>
      this.fail(new Error(`connection to ${this.opts.peer} timed out: nothing received for ${this.opts.idleTimeoutMs / 1000} s`)),
    close: () => this.onClose(),
  };
  private state: State = "open";
  private staleConnection = false;
  private failure: unknown;
  private headBytes: Uint8Array | undefined;
  private received: ReceivedHead | undefined;
  private decoder: BodyDecoder | undefined;
  /** Framed bytes that arrived before a consumer attached, copied out of the read buffer. */
  private pending: Uint8Array[] = [];
  private eof = false;
  private consumed = false;
  private sink: ByteSink | undefined;
  private draining = false;
  private needDrain = false;

  constructor(private readonly opts: ExchangeOptions) {
    this.head = new Promise((resolve, reject) => {
      this.resolveHead = resolve;
      this.rejectHead = reject;
    });
    this.connection = opts.connection;
    this.connection.attach(this.owner);
    this.socket.setTimeout(opts.idleTimeoutMs);
    opts.signal?.addEventListener("abort", this.onAbort, { once: true });
    this.socket.write(opts.requestHead, "latin1");
    if (opts.signal?.aborted === true) this.onAbort();
  }

  /**
   * The head failed on a reused connection before any byte of the response came: most likely the
   * server closed the idle connection just as we sent. GET and HEAD are idempotent, so the caller may
   * send the request again on a fresh connection.
   */
  get stale(): boolean {
    return this.staleConnection;
  }

  private get socket(): Socket {
    return this.connection.socket;
  }

  /** Streams the body into `sink`; see Http1Response.pipeTo. */
  pipeTo(sink: ByteSink): Promise<void> {
    if (this.consumed) return Promise.reject(failedPrecondition("the response body was already consumed"));
    this.consumed = true;
    if (this.state === "failed") return Promise.reject(this.failure);
    if (this.state === "finished") return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => {
      this.resolveBody = resolve;
      this.rejectBody = reject;
    });
    this.sink = sink;
    const pending = this.pending;
    this.pending = [];
    try {
      for (const [i, bytes] of pending.entries()) {
        this.deliver(bytes, sink, i < pending.length - 1);
        if (this.state !== "open") return done;
      }
      if (this.eof) this.endOfBody();
      else if (!this.draining) this.resume();
    } catch (err) {
      this.fail(err);
    }
    return done;
  }

  /** Drops the body and closes the connection; a pipeTo in progress rejects. */
  cancel(): Promise<void> {
    this.consumed = true;
    if (this.sink !== undefined) this.fail(new Error("response body cancelled"));
    else this.finish(false);
    return Promise.resolve();
  }

  // The idle timer runs only while we want bytes: a pause for a slow sink is not the peer's silence.
  private onReadPausing(bytes: Uint8Array): boolean {
    const more = this.onRead(bytes);
    // Once settled the connection is someone else's (or gone), and so is its timeout.
    if (!more && this.state === "open") this.socket.setTimeout(0);
    return more;
  }

  private resume(): void {
    this.socket.setTimeout(this.opts.idleTimeoutMs);
    this.socket.resume();
  }

  private onRead(read: Uint8Array): boolean {
    if (this.state !== "open") return false;
    try {
      let bytes = read;
      if (this.received === undefined) {
        const rest = this.takeHead(bytes);
        if (rest === undefined) return true;
        if (this.state !== "open") return false;
        bytes = rest;
      }
      if (this.sink === undefined) {
        // Nobody to give them to yet, and the read buffer is about to be overwritten: copy and pause.
        if (bytes.length > 0) this.pending.push(new Uint8Array(bytes));
        return false;
      }
      return this.deliver(bytes, this.sink);
    } catch (err) {
      this.fail(err);
      return false;
    }
  }

  // Parses the head from what came so far, copying only head bytes (and at most the head limit);
  // returns the body bytes of `bytes` once the head is complete.
  private takeHead(bytes: Uint8Array): Uint8Array | undefined {
    const before = this.headBytes?.length ?? 0;
    const scan = this.headBytes === undefined ? bytes : concat(this.headBytes, bytes.subarray(0, MAX_HEAD_BYTES + 1 - before));
    const head = parseResponseHead(scan);
    if (head === undefined) {
      this.headBytes = scan === bytes ? new Uint8Array(bytes) : scan;
      return undefined;
    }
    this.headBytes = undefined;
    const framing = bodyFraming(this.opts.method, head.status, head.headers);
    this.decoder = bodyDecoder(framing);
    this.received = { ...head, framing };
    this.resolveHead(this.received);
    const rest = bytes.subarray(head.bodyStart - before);
    if (this.decoder.done) this.finish(rest.length === 0);
    return rest;
  }

  // Body bytes to the sink, straight from the read buffer. Returns onread's answer: false pauses.
  // `moreFollows`: further received bytes wait after these (copied ones, delivered by pipeTo).
  private deliver(bytes: Uint8Array, sink: ByteSink, moreFollows = false): boolean {
    let full = false;
    const used = this.decoder!.push(bytes, (view) => {
      if (!sink.write(view)) full = true;
    });
    if (this.decoder!.done) {
      // A byte beyond the body means the server and we disagree on the framing: never reuse that.
      this.finish(used === bytes.length && !moreFollows);
      return false;
    }
    if (full) this.waitForDrain(sink);
    return !this.draining;
  }

  // A sink may say "full" again during the extra calls of one read (TLS records), hence the loop.
  private waitForDrain(sink: ByteSink): void {
    this.needDrain = true;
    if (this.draining) return;
    this.draining = true;
    void (async () => {
      try {
        while (this.needDrain && this.state === "open") {
          this.needDrain = false;
          await sink.drained();
        }
      } catch (err) {
        this.fail(err);
      }
      this.draining = false;
      if (this.state === "open" && !this.eof) this.resume();
    })();
  }

  private onEnd(): void {
    this.eof = true;
    if (this.state !== "open") return;
    if (this.received === undefined) {
      const got = this.headBytes === undefined ? "" : ` (after ${this.headBytes.length} bytes of it)`;
      this.failConnection(new Error(`connection to ${this.opts.peer} closed before the response head${got}`));
    } else if (this.sink !== undefined) {
      this.tryEndOfBody();
    }
    // else: pipeTo() finishes the body from the pending bytes.
  }

  private tryEndOfBody(): void {
    try {
      this.endOfBody();
    } catch (err) {
      this.fail(err);
    }
  }

  // Only a body delimited by the close ends here, and that connection is spent.
  private endOfBody(): void {
    this.decoder!.end();
    this.finish(false);
  }

  private onClose(): void {
    if (this.state === "open" && !this.eof) this.failConnection(new Error(`connection to ${this.opts.peer} closed`));
  }

  private readonly onAbort = (): void => this.fail(this.opts.signal?.reason);

  // `clean`: the body ended at its framed end with no byte after it; the head has its say too.
  private finish(clean: boolean): void {
    if (this.state !== "open") return;
    this.state = "finished";
    const reusable = clean && !this.eof && this.received !== undefined && responseKeepsAlive(this.received);
    this.release(reusable);
    this.resolveBody?.();
  }

  // The connection failing (reset, closed) rather than the exchange: on a reused connection before any
  // byte of the response, that is the stale-connection race the caller may retry.
  private failConnection(err: Error): void {
    if (this.state !== "open") return;
    this.staleConnection = this.opts.reused && this.received === undefined && this.headBytes === undefined;
    this.fail(err);
  }

  private fail(err: unknown): void {
    if (this.state !== "open") return;
    this.state = "failed";
    this.failure = err;
    this.pending = [];
    this.release(false);
    if (this.received === undefined) this.rejectHead(err);
    else this.rejectBody?.(err);
  }

  private release(reusable: boolean): void {
    this.opts.signal?.removeEventListener("abort", this.onAbort);
    this.connection.detach(this.owner);
    if (reusable && this.opts.park !== undefined) this.opts.park(this.connection);
    else this.connection.destroy();
  }

  private networkError(err: Error): Error {
    const when = this.received === undefined ? "" : " while reading the body";
    return new Error(`connection to ${this.opts.peer} failed${when}: ${err.message}`, { cause: err });
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
