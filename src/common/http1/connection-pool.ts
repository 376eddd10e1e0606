// Idle keep-alive connections waiting for the next request to their origin, so that a pull of many
// layers from one registry pays the TCP and TLS handshakes once (as Docker's Go client does).
import type { Connection, ConnectionOwner } from "./connection.ts";

export interface ConnectionPoolOptions {
  /** Idle connections kept per origin (default 4). */
  readonly maxPerOrigin?: number;
  /** Idle connections kept in all (default 16). */
  readonly maxTotal?: number;
  /** An idle connection is closed after this long unused (default 30 s). */
  readonly idleMs?: number;
}

/**
 * Lifecycle: `park` hands a connection whose last response ended cleanly to the pool, which owns it
 * until `take` hands it to a new exchange. While parked a connection is unref'd (it never keeps a
 * process alive), reads (so that the server's close is seen at once), and is closed on any byte, end,
 * error or after `idleMs`; the oldest are closed first beyond the limits.
 */
export interface ConnectionPool extends Disposable {
  /** The most recently parked live connection to `origin`, ref'd again and owned by nobody; or undefined. */
  take(origin: string): Connection | undefined;
  park(origin: string, connection: Connection): void;
  /** Closes every idle connection (for a process that is done, and for tests). */
  closeIdle(): void;
  /** Connections idle now. */
  readonly size: number;
}

interface Idle {
  readonly origin: string;
  readonly connection: Connection;
  readonly owner: ConnectionOwner;
}

export function createConnectionPool(options: ConnectionPoolOptions = {}): ConnectionPool {
  const maxPerOrigin = options.maxPerOrigin ?? 4;
  const maxTotal = options.maxTotal ?? 16;
  const idleMs = options.idleMs ?? 30_000;
  /** Oldest first. */
  let idle: Idle[] = [];

  const remove = (entry: Idle): void => {
    idle = idle.filter((e) => e !== entry);
  };
  const drop = (entry: Idle): void => {
    remove(entry);
    entry.connection.destroy();
  };

  const pool: ConnectionPool = {
    take(origin) {
      for (let i = idle.length - 1; i >= 0; i--) {
        const entry = idle[i]!;
        if (entry.origin !== origin) continue;
        if (entry.connection.closed) {
          drop(entry);
          continue;
        }
        remove(entry);
        entry.connection.detach(entry.owner);
        entry.connection.socket.setTimeout(0);
        entry.connection.socket.ref();
        entry.connection.socket.resume(); // it reads while idle; this only makes sure
        return entry.connection;
      }
      return undefined;
    },

    park(origin, connection) {
      if (connection.closed) {
        connection.destroy();
        return;
      }
      const entry: Idle = {
        origin,
        connection,
        owner: {
          // Nothing may come on an idle HTTP/1.1 connection: a byte means the stream is out of step.
          read: () => {
            drop(entry);
            return false;
          },
          end: () => drop(entry),
          error: () => drop(entry),
          timeout: () => drop(entry),
          close: () => remove(entry),
        },
      };
      connection.attach(entry.owner);
      connection.socket.setTimeout(idleMs);
      connection.socket.unref();
      connection.socket.resume();
      idle.push(entry);
      const sameOrigin = idle.filter((e) => e.origin === origin);
      if (sameOrigin.length > maxPerOrigin) drop(sameOrigin[0]!);
      while (idle.length > maxTotal) drop(idle[0]!);
    },

    closeIdle() {
      for (const entry of idle) drop(entry);
    },

    get size() {
      return idle.length;
    },

    [Symbol.dispose]() {
      pool.closeIdle();
    },
  };
  return pool;
}
