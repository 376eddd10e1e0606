import { invalidArgument } from "../../common/errors.ts";
import type { DependencyCondition, ServiceConfig } from "../model/index.ts";

export interface Dependency {
  readonly condition: DependencyCondition;
  readonly required: boolean;
  readonly restart: boolean;
  /** True for references that are not in depends_on (network_mode, ipc, pid, volumes_from, links). */
  readonly implicit: boolean;
}

/** `service:X` → X; anything else (host, none, container:…) → undefined. */
export function serviceRef(mode: string | undefined): string | undefined {
  return mode?.startsWith("service:") ? mode.slice("service:".length) : undefined;
}

/** Services whose containers this one must reference by name at create time (shared namespaces, volumes_from). */
export function sharedNamespaceServices(s: ServiceConfig): string[] {
  const out = new Set<string>();
  for (const m of [s.network_mode, s.ipc, s.pid]) {
    const ref = serviceRef(m);
    if (ref !== undefined) out.add(ref);
  }
  for (const v of s.volumes_from) {
    if (!v.startsWith("container:")) out.add(v.split(":")[0] ?? v);
  }
  return [...out].sort();
}

/**
 * A service's dependencies: depends_on, plus what compose-go adds implicitly — services named
 * by network_mode/ipc/pid `service:X`, volumes_from and links — as required service_started.
 */
export function dependenciesOf(s: ServiceConfig): Map<string, Dependency> {
  const out = new Map<string, Dependency>();
  const implicit = [...sharedNamespaceServices(s), ...s.links.map((l) => l.split(":")[0] ?? l)];
  for (const name of implicit) out.set(name, { condition: "service_started", required: true, restart: false, implicit: true });
  for (const [name, d] of Object.entries(s.depends_on)) out.set(name, { ...d, implicit: false });
  return out;
}

/**
 * Orders `names` so that each comes after its dependencies (restricted to `names`); ties are
 * broken alphabetically so plans are deterministic. A cycle is an InvalidArgument naming it.
 */
export function dependencyOrder(names: Iterable<string>, depsOf: (name: string) => Iterable<string>): string[] {
  const set = new Set(names);
  const pending = new Map<string, Set<string>>();
  for (const n of set) pending.set(n, new Set([...depsOf(n)].filter((d) => set.has(d) && d !== n)));
  const order: string[] = [];
  while (pending.size > 0) {
    const ready = [...pending].filter(([, deps]) => deps.size === 0).map(([n]) => n).sort();
    if (ready.length === 0) throw invalidArgument(`dependency cycle between services: ${[...pending.keys()].sort().join(", ")}`);
    for (const n of ready) {
      order.push(n);
      pending.delete(n);
      for (const deps of pending.values()) deps.delete(n);
    }
  }
  return order;
}

/** `names` plus everything they depend on, transitively, among `known`. */
export function withDependencies(names: Iterable<string>, known: ReadonlySet<string>, depsOf: (name: string) => Iterable<string>): Set<string> {
  const out = new Set<string>();
  const visit = (n: string) => {
    if (out.has(n) || !known.has(n)) return;
    out.add(n);
    for (const d of depsOf(n)) visit(d);
  };
  for (const n of names) visit(n);
  return out;
}
