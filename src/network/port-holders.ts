import type { PortProtocol } from "./ports.ts";

/** A listening socket as `ss -Hlntup` shows it. */
export interface PortHolder {
  readonly protocol: PortProtocol;
  readonly address: string;
  readonly port: number;
  readonly pid?: number;
  readonly command?: string;
}

/** Parses `ss -H -l -n -t -u -p` output. Pure. */
export function parseSsListeners(text: string): PortHolder[] {
  const out: PortHolder[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const proto = f[0];
    if (proto !== "tcp" && proto !== "udp") continue;
    const local = f[4]!;
    const i = local.lastIndexOf(":");
    if (i < 0) continue;
    const port = Number(local.slice(i + 1));
    if (!Number.isInteger(port)) continue;
    const address = local.slice(0, i).replace(/^\[|\]$/g, "").replace(/%.*$/, "");
    const users = /users:\(\("((?:[^"\\]|\\.)*)",pid=(\d+)/.exec(line);
    out.push({
      protocol: proto,
      address,
      port,
      ...(users ? { command: users[1]!, pid: Number(users[2]) } : {}),
    });
  }
  return out;
}

const ANY = new Set(["*", "0.0.0.0", "::", ""]);

/** The holder of `port/protocol` that would clash with binding it on `hostIp` (absent = all). */
export function findHolder(holders: readonly PortHolder[], protocol: PortProtocol, port: number, hostIp?: string): PortHolder | undefined {
  return holders.find(
    (h) => h.protocol === protocol && h.port === port && (hostIp === undefined || ANY.has(h.address) || h.address === hostIp),
  );
}

/** `port 8080/tcp is already in use by pid 1234 (nginx)`. */
export function describePortInUse(protocol: PortProtocol, port: number, hostIp: string | undefined, holder: PortHolder | undefined): string {
  const where = hostIp !== undefined ? ` on ${hostIp}` : "";
  const by = holder?.pid !== undefined ? ` by pid ${holder.pid}${holder.command ? ` (${holder.command})` : ""}` : "";
  return `port ${port}/${protocol}${where} is already in use${by}`;
}
