// Opens the TCP or TLS connection for a request target, reading into the caller's buffer.
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect, type ConnectionOptions } from "node:tls";
import type { OnRead } from "./connection.ts";
import type { RequestTarget } from "./request-head.ts";

export interface TlsSettings {
  readonly ca?: string | Buffer;
  readonly rejectUnauthorized?: boolean;
}

export function connectSocket(target: RequestTarget, tls: TlsSettings | undefined, onread: OnRead): Socket {
  if (!target.secure) return netConnect({ host: target.host, port: target.port, onread });
  // tls.connect passes onread through to its socket, but @types/node does not list it there.
  const options: ConnectionOptions & { onread: OnRead } = {
    host: target.host,
    port: target.port,
    ALPNProtocols: ["http/1.1"],
    onread,
    ...(target.servername === undefined ? {} : { servername: target.servername }),
    ...(tls?.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls?.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: tls.rejectUnauthorized }),
  };
  return tlsConnect(options);
}
