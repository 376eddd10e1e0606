/** One container's names on one network (container name, hostname, service name, aliases, links). */
export interface NameEntry {
  readonly containerId: string;
  readonly networkId: string;
  readonly ip: string;
  readonly names: readonly string[];
}

export type Resolution =
  | { readonly kind: "found"; readonly ips: readonly string[] }
  | { readonly kind: "ptr"; readonly name: string }
  | { readonly kind: "unknown" };

const norm = (n: string) => n.toLowerCase().replace(/\.$/, "");

/**
 * The engine's DNS view: which names resolve to which addresses on which network. A container asks
 * the DNS listener of one of its networks; it sees the names of every network it is attached to
 * (the asking network first), as Docker's embedded DNS does. All replicas of a service share a
 * name, so a name can map to several addresses.
 */
export class NameTable {
  readonly #entries = new Map<string, NameEntry>(); // key containerId/networkId

  set(e: NameEntry): void {
    this.#entries.set(`${e.containerId}/${e.networkId}`, { ...e, names: [...new Set(e.names.map(norm).filter((n) => n !== ""))] });
  }

  delete(containerId: string, networkId: string): void {
    this.#entries.delete(`${containerId}/${networkId}`);
  }

  deleteNetwork(networkId: string): void {
    for (const [k, e] of this.#entries) if (e.networkId === networkId) this.#entries.delete(k);
  }

  entries(): readonly NameEntry[] {
    return [...this.#entries.values()];
  }

  /** Resolves `name` (A) or an in-addr.arpa name (PTR) for a query from `clientIp` arriving on `networkId`. */
  resolve(networkId: string, clientIp: string, name: string): Resolution {
    const q = norm(name);
    const all = [...this.#entries.values()];
    const asker = all.find((e) => e.networkId === networkId && e.ip === clientIp);
    const networks = asker ? [networkId, ...all.filter((e) => e.containerId === asker.containerId && e.networkId !== networkId).map((e) => e.networkId)] : [networkId];
    const ptr = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/.exec(q);
    for (const net of networks) {
      const onNet = all.filter((e) => e.networkId === net);
      if (ptr) {
        const ip = `${ptr[4]}.${ptr[3]}.${ptr[2]}.${ptr[1]}`;
        const hit = onNet.find((e) => e.ip === ip && e.names.length > 0);
        if (hit) return { kind: "ptr", name: hit.names[0]! };
        continue;
      }
      const ips = onNet.filter((e) => e.names.includes(q)).map((e) => e.ip);
      if (ips.length > 0) return { kind: "found", ips: [...new Set(ips)] };
    }
    return { kind: "unknown" };
  }
}
