import type { ServiceConfig } from "./types.ts";

export interface ProfileSelection {
  readonly profiles?: readonly string[];
  /** Services named on the command line: enabled whatever their profiles. */
  readonly services?: readonly string[];
}

/**
 * Which services are active: those without profiles or with an enabled one ("*" enables all),
 * plus the ones named explicitly, plus — transitively — what those depend on, since compose
 * starts a named service's dependencies too.
 */
export function activeServices(services: Readonly<Record<string, ServiceConfig>>, sel: ProfileSelection): Set<string> {
  const enabled = new Set(sel.profiles ?? []);
  const named = sel.services ?? [];
  const roots =
    named.length > 0
      ? named.filter((n) => Object.hasOwn(services, n))
      : Object.values(services)
          .filter((s) => s.profiles.length === 0 || enabled.has("*") || s.profiles.some((p) => enabled.has(p)))
          .map((s) => s.name);
  const active = new Set<string>();
  const visit = (n: string): void => {
    if (active.has(n)) return;
    const svc = services[n];
    if (!svc) return;
    active.add(n);
    for (const [dep, cfg] of Object.entries(svc.depends_on)) if (cfg.required) visit(dep);
  };
  roots.forEach(visit);
  return active;
}
