import { conflict } from "../common/errors.ts";
import type { PortProbe } from "./port-probe.ts";
import { findHolder, describePortInUse } from "./port-holders.ts";
import { bindingsCollide, formatPort, type PortMapping, type ResolvedPortMapping } from "./ports.ts";

/** A host port tstack already handed out (portmap's DNAT does not bind it, so the kernel cannot tell). */
export interface PortReservation {
  readonly owner: string;
  readonly mapping: ResolvedPortMapping;
}

const RANDOM_ATTEMPTS = 64;

/**
 * Turns requested mappings into concrete host ports, or throws Conflict before anything is
 * created: a port is taken when tstack reserved it, or when binding it on the host fails (then the
 * holder is named from `ss`). Random ports come from the kernel's ephemeral range.
 */
export async function allocatePorts(
  requested: readonly PortMapping[],
  reserved: readonly PortReservation[],
  probe: PortProbe,
): Promise<ResolvedPortMapping[]> {
  const out: ResolvedPortMapping[] = [];
  const ours = (m: ResolvedPortMapping) => reserved.find((r) => bindingsCollide(r.mapping, m)) ?? out.find((o) => bindingsCollide(o, m));
  const ip = (m: PortMapping) => (m.hostIp !== undefined ? { hostIp: m.hostIp } : {});
  for (const m of requested) {
    const base = { ...ip(m), containerPort: m.containerPort, protocol: m.protocol };
    if (m.hostPort === 0) {
      let got: ResolvedPortMapping | undefined;
      for (let i = 0; i < RANDOM_ATTEMPTS && got === undefined; i++) {
        const c = { ...base, hostPort: await probe.ephemeral(m.protocol, m.hostIp) };
        if (ours(c) === undefined) got = c;
      }
      if (got === undefined) throw conflict(`no free random host port for ${m.containerPort}/${m.protocol}`);
      out.push(got);
      continue;
    }
    const end = m.hostPortEnd ?? m.hostPort;
    let chosen: ResolvedPortMapping | undefined;
    let lastErr = "";
    for (let p = m.hostPort; p <= end && chosen === undefined; p++) {
      const c = { ...base, hostPort: p };
      const mine = ours(c);
      if (mine !== undefined) {
        const owner = "owner" in mine ? ` by container ${mine.owner.slice(0, 12)}` : " twice in this request";
        lastErr = `port ${formatPort(c)} is already published${owner}`;
        continue;
      }
      if (!(await probe.isFree(m.protocol, p, m.hostIp))) {
        lastErr = describePortInUse(m.protocol, p, m.hostIp, findHolder(await probe.holders(), m.protocol, p, m.hostIp));
        continue;
      }
      chosen = c;
    }
    if (chosen === undefined) {
      throw conflict(end > m.hostPort ? `no free host port in ${m.hostPort}-${end}/${m.protocol}: ${lastErr}` : lastErr);
    }
    out.push(chosen);
  }
  return out;
}
