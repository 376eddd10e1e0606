/**
 * Where a body's bytes go, pushed by the connection as they arrive.
 *
 * Lifecycle: `write` is called for each piece of the body in order, each byte exactly once;
 * nothing marks the end (the promise of whoever drives the sink does that).
 */
export interface ByteSink {
  /**
   * `bytes` is a view into a reused buffer, valid only during the call: copy what you keep.
   * Return false to ask for a pause until `drained()` resolves; a few more calls may still come
   * after a false (the rest of one read). May throw: the transfer then fails with that error.
   */
  write(bytes: Uint8Array): boolean;
  drained(): Promise<void>;
}
