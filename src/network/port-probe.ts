import { createServer } from "node:net";
import { createSocket } from "node:dgram";
import type { ProcessRunner } from "../common/spawn/process-runner.ts";
import { parseSsListeners, type PortHolder } from "./port-holders.ts";
import type { PortProtocol } from "./ports.ts";

/** Asks the host whether a port can be bound; the seam the port allocator is tested through. */
export interface PortProbe {
  /** Tries to bind `port` on hostIp (absent = 0.0.0.0) and releases it at once. */
  isFree(protocol: PortProtocol, port: number, hostIp?: string): Promise<boolean>;
  /** A port the kernel considers free right now (bind to port 0). */
  ephemeral(protocol: PortProtocol, hostIp?: string): Promise<number>;
  /** Who listens where (for naming a port's holder in errors); empty when unknown. */
  holders(): Promise<readonly PortHolder[]>;
}

function bindTcp(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen({ port, host, exclusive: true }, () => {
      const addr = srv.address();
      const got = typeof addr === "object" && addr !== null ? addr.port : port;
      srv.close(() => resolve(got));
    });
  });
}

function bindUdp(port: number, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = createSocket({ type: "udp4", reuseAddr: false });
    sock.once("error", (err) => {
      sock.close();
      reject(err);
    });
    sock.bind({ port, address, exclusive: true }, () => {
      const got = sock.address().port;
      sock.close(() => resolve(got));
    });
  });
}

export function createPortProbe(runner: ProcessRunner): PortProbe {
  const bind = (protocol: PortProtocol, port: number, hostIp?: string) =>
    protocol === "tcp" ? bindTcp(port, hostIp ?? "0.0.0.0") : bindUdp(port, hostIp ?? "0.0.0.0");
  return {
    async isFree(protocol, port, hostIp) {
      try {
        await bind(protocol, port, hostIp);
        return true;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === "EADDRINUSE" || code === "EACCES") return false;
        throw err;
      }
    },
    ephemeral: (protocol, hostIp) => bind(protocol, 0, hostIp),
    async holders() {
      try {
        const r = await runner.run("ss", ["-H", "-l", "-n", "-t", "-u", "-p"], { allowFailure: true });
        return r.exitCode === 0 ? parseSsListeners(r.stdout) : [];
      } catch {
        return []; // ss missing: the error just names no holder
      }
    },
  };
}
