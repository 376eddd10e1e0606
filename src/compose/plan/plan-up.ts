import { invalidArgument } from "../../common/errors.ts";
import { serviceToCreateOptions } from "./service-to-create.ts";
import { networkLabels, replacementName, volumeLabels } from "../labels/index.ts";
import type { NetworkConfig, Project, ServiceConfig } from "../model/index.ts";
import type { ObservedContainer, ObservedState } from "../observe/index.ts";
import { decideService, isActive, type RecreateStrategy, type ServiceDecision } from "./decide-service.ts";
import { imageRef, needsPull, pullPolicyOf } from "./images.ts";
import { PlanBuilder } from "./plan-builder.ts";
import type { Plan, UpPlanOptions } from "./plan-types.ts";
import { dependenciesOf, dependencyOrder, sharedNamespaceServices, withDependencies } from "./service-graph.ts";
import { compareStrings } from "../../common/compare-strings.ts";

/**
 * `up` as data: the operations that take the engine from `observed` to `project`. Pure.
 *
 * Recreating a container is rename-based, like docker/compose: create the replacement under a
 * temporary name → stop the old one → remove it → rename the replacement → start it. A config
 * the engine rejects thus fails before the running container is touched.
 *
 * Ordering: a service's containers start after its dependencies' containers have started
 * (service_started: plain edges) or after a `wait` node (service_healthy,
 * service_completed_successfully). When a service is recreated, dependants that declare
 * `restart: true` on it are stopped before and started after, as compose does; they are not
 * recreated. Services sharing a recreated service's network/ipc/pid namespace or volumes_from
 * are recreated, since they point at the old container.
 */
export function plan(project: Project, observed: ObservedState, opts: UpPlanOptions): Plan {
  const b = new PlanBuilder();
  const services = project.services;
  const known = new Set(Object.keys(services));
  const svc = (n: string) => services[n] as ServiceConfig;
  const depsOf = (n: string) => [...dependenciesOf(svc(n)).keys()].filter((d) => known.has(d));

  // 1. Which services.
  const selected = opts.services !== undefined && opts.services.length > 0 ? opts.services : [...known];
  for (const s of selected) {
    if (!known.has(s)) {
      throw invalidArgument(project.disabled_services.includes(s) ? `service ${s} is not enabled by the active profiles` : `no such service: ${s}`);
    }
  }
  const explicit = new Set(selected);
  const targets = opts.noDeps ? explicit : withDependencies(explicit, known, depsOf);
  const order = dependencyOrder(targets, depsOf);
  const scaleOf = (n: string) => opts.scale?.[n] ?? svc(n).scale;
  for (const n of order) {
    if (scaleOf(n) > 1 && svc(n).container_name !== undefined) {
      throw invalidArgument(`service ${n} sets container_name ${svc(n).container_name}, so it cannot be scaled to ${scaleOf(n)}`);
    }
  }
  const strategyOf = (n: string): RecreateStrategy => {
    if (opts.noRecreate) return "never";
    if (explicit.has(n) ? opts.forceRecreate : opts.alwaysRecreateDeps) return "force";
    return "diverged";
  };

  // 2. Decide per service, dependencies first (sharers need to know whether their target is replaced).
  const byService = new Map<string, ObservedContainer[]>();
  for (const c of observed.containers) if (!c.oneoff) byService.set(c.service, [...(byService.get(c.service) ?? []), c]);
  const decisions = new Map<string, ServiceDecision>();
  const replacedFirst = new Set<string>();
  for (const n of order) {
    const d = decideService({
      project,
      service: svc(n),
      scale: scaleOf(n),
      observed: byService.get(n) ?? [],
      strategy: strategyOf(n),
      imageId: opts.images[imageRef(project, svc(n))],
      replacedFirstReplica: replacedFirst,
    });
    decisions.set(n, d);
    const first = d.replicas[0];
    if (first !== undefined && (first.kind === "create" || first.kind === "recreate")) replacedFirst.add(n);
  }

  // Dependants declaring `restart: true` on a recreated service are restarted around it.
  const restarted = new Map<string, ObservedContainer[]>(); // service → its containers to stop, then start
  if (!opts.noStart) {
    for (const [s, d] of decisions) {
      if (!d.replicas.some((r) => r.kind === "recreate")) continue;
      for (const t of [...known].sort()) {
        if (svc(t).depends_on[s]?.restart !== true) continue;
        const td = decisions.get(t);
        const running = td
          ? td.replicas.flatMap((r) => (r.kind === "keep" && r.container.state === "running" ? [r.container] : []))
          : (byService.get(t) ?? []).filter((c) => c.state === "running");
        if (running.length > 0) restarted.set(t, running);
      }
    }
  }

  // 3. Networks and volumes the selected services use.
  const infra = new Map<string, number>(); // "network:<key>" | "volume:<key>" → node
  const usedNetworks = new Set(order.flatMap((n) => Object.keys(svc(n).networks)));
  for (const key of [...usedNetworks].sort()) {
    const net = project.networks[key];
    if (net === undefined) throw invalidArgument(`a service refers to undefined network ${key}`);
    if (net.external || observed.networks.some((o) => o.name === net.name)) continue;
    infra.set(`network:${key}`, b.add({ kind: "create-network", key, name: net.name, body: networkBody(project.name, key, net) }, "not found"));
  }
  const usedVolumes = new Set(order.flatMap((n) => svc(n).volumes.flatMap((v) => (v.type === "volume" && v.source !== undefined && project.volumes[v.source] ? [v.source] : []))));
  for (const key of [...usedVolumes].sort()) {
    const vol = project.volumes[key]!;
    if (vol.external || observed.volumes.some((o) => o.name === vol.name)) continue;
    const body = { Name: vol.name, Labels: volumeLabels(project.name, key, vol), ...(vol.driver ? { Driver: vol.driver } : {}), ...(Object.keys(vol.driver_opts).length > 0 ? { DriverOpts: vol.driver_opts } : {}) };
    infra.set(`volume:${key}`, b.add({ kind: "create-volume", key, name: vol.name, body }, "not found"));
  }

  // 4. Images.
  const pulls = new Map<string, { services: string[]; platform?: string }>();
  for (const n of order) {
    if (scaleOf(n) === 0) continue;
    const ref = imageRef(project, svc(n));
    if (!needsPull(project, svc(n), pullPolicyOf(svc(n), opts.pullPolicy), opts.images[ref] !== undefined)) continue;
    const p = pulls.get(ref) ?? { services: [], ...(svc(n).platform ? { platform: svc(n).platform } : {}) };
    p.services.push(n);
    pulls.set(ref, p);
  }
  const pullNode = new Map<string, number>();
  for (const [image, p] of [...pulls].sort((a, b) => compareStrings(a[0], b[0]))) {
    const why = opts.images[image] === undefined ? "image not present" : "pull policy always";
    pullNode.set(image, b.add({ kind: "pull-image", image, services: p.services, ...(p.platform ? { platform: p.platform } : {}) }, why));
  }

  // 5. Orphans: containers of services the project no longer defines (one-off ones once they exited).
  const defined = new Set([...known, ...project.disabled_services]);
  const orphans = observed.containers.filter((c) => (c.oneoff ? c.state === "exited" || c.state === "dead" : !defined.has(c.service)));
  const orphanRemovals: number[] = [];
  if (orphans.length > 0 && opts.removeOrphans) {
    for (const c of orphans) {
      const stop = isActive(c) ? b.add({ kind: "stop-container", service: c.service, container: c.id, name: c.name }, "orphan") : undefined;
      orphanRemovals.push(b.add({ kind: "remove-container", service: c.service, container: c.id, name: c.name, volumes: false }, "orphan", [stop]));
    }
  } else if (orphans.length > 0) {
    b.warnings.push(`found orphan containers (${orphans.map((c) => c.name).join(", ")}) for this project; if you removed or renamed their service, run with --remove-orphans to clean them up`);
  }

  // 6. Restarted dependants stop before anything they depend on is replaced.
  const restartStops = new Map<string, number[]>();
  for (const [t, cs] of restarted) {
    restartStops.set(t, cs.map((c) => b.add({ kind: "stop-container", service: t, container: c.id, name: c.name, ...stopTimeout(svc(t), opts) }, `dependency recreated, restart: true`)));
  }

  // 7. Containers, service by service.
  const startNodes = new Map<string, number[]>(); // service → its start nodes
  const readyNodes = new Map<string, number[]>(); // service → nodes after which its containers exist under their final names
  const finalNames = (n: string) =>
    (decisions.get(n)?.replicas ?? []).map((r) => (r.kind === "create" ? r.name : r.container.name));
  const emitOrder = dependencyOrder(new Set([...order, ...restarted.keys()]), depsOf);

  for (const n of emitOrder) {
    const s = svc(n);
    const d = decisions.get(n);
    const starts: number[] = [];
    const ready: number[] = [];
    let gate: number[] | undefined; // start prerequisites from dependencies, built on first use
    const startAfter = (): number[] => (gate ??= dependencyGate(n));
    const dependantStops = [...restarted.keys()].filter((t) => svc(t).depends_on[n]?.restart === true).flatMap((t) => restartStops.get(t) ?? []);

    for (const { container: c, reason } of d?.removals ?? []) {
      const stop = isActive(c) ? b.add({ kind: "stop-container", service: n, container: c.id, name: c.name, ...stopTimeout(s, opts) }, reason) : undefined;
      b.add({ kind: "remove-container", service: n, container: c.id, name: c.name, volumes: false }, reason, [stop]);
    }

    const createDeps = (): (number | undefined)[] => [
      ...Object.keys(s.networks).map((k) => infra.get(`network:${k}`)),
      ...s.volumes.map((v) => (v.type === "volume" && v.source !== undefined ? infra.get(`volume:${v.source}`) : undefined)),
      pullNode.get(imageRef(project, s)),
      ...orphanRemovals,
      ...sharedNamespaceServices(s).flatMap((x) => readyNodes.get(x) ?? []),
    ];
    const imageKnown = !pullNode.has(imageRef(project, s));
    const imageId = imageKnown ? opts.images[imageRef(project, s)] : undefined;
    const env = opts.environment?.[n];

    for (const r of d?.replicas ?? []) {
      switch (r.kind) {
        case "keep":
          break;
        case "start":
          if (!opts.noStart) starts.push(b.add({ kind: "start-container", service: n, container: r.container.id, name: r.container.name }, r.reason, startAfter()));
          break;
        case "create": {
          const created = serviceToCreateOptions(project, s, r.number, { ...(imageId ? { imageId } : {}), ...(env ? { environment: env } : {}) });
          const id = b.add({ kind: "create-container", service: n, number: r.number, name: r.name, body: created.body, resolveImageId: !imageKnown }, r.reason, createDeps());
          ready.push(id);
          if (!opts.noStart) starts.push(b.add({ kind: "start-container", service: n, container: r.name, name: r.name }, "created", [id, ...startAfter()]));
          break;
        }
        case "recreate": {
          const old = r.container;
          const number = old.number;
          const created = serviceToCreateOptions(project, s, number, { ...(imageId ? { imageId } : {}), replaces: old.id, ...(env ? { environment: env } : {}) });
          const temp = replacementName(old.id, created.name);
          const create = b.add({ kind: "create-container", service: n, number, name: temp, body: created.body, resolveImageId: !imageKnown }, `replaces ${old.name}: ${r.reason}`, createDeps());
          const stop = isActive(old)
            ? b.add({ kind: "stop-container", service: n, container: old.id, name: old.name, ...stopTimeout(s, opts) }, `replaced by ${temp}`, [create, ...dependantStops])
            : undefined;
          const remove = b.add({ kind: "remove-container", service: n, container: old.id, name: old.name, volumes: false }, `replaced by ${temp}`, stop !== undefined ? [stop] : [create, ...dependantStops]);
          const rename = b.add({ kind: "rename-container", service: n, container: temp, name: temp, to: created.name }, "replacement takes the name", [remove]);
          ready.push(rename);
          if (!opts.noStart) starts.push(b.add({ kind: "start-container", service: n, container: created.name, name: created.name }, "recreated", [rename, ...startAfter()]));
          break;
        }
      }
    }
    for (const c of restarted.get(n) ?? []) {
      const stop = restartStops.get(n)?.[restarted.get(n)!.indexOf(c)];
      starts.push(b.add({ kind: "start-container", service: n, container: c.id, name: c.name }, "dependency recreated, restart: true", [stop, ...startAfter()]));
    }
    startNodes.set(n, starts);
    readyNodes.set(n, ready);
  }

  // Start prerequisites of service `n`: dependencies' start nodes, or a wait node for the
  // healthy/completed conditions. Dependencies outside the plan (--no-deps, scale 0) are not waited for.
  function dependencyGate(n: string): number[] {
    const out: number[] = [];
    for (const [dep, cfg] of [...dependenciesOf(svc(n))].sort((a, b) => compareStrings(a[0], b[0]))) {
      if (!targets.has(dep) || scaleOf(dep) === 0) continue;
      const depStarts = startNodes.get(dep) ?? [];
      if (cfg.condition === "service_started") {
        out.push(...depStarts);
        continue;
      }
      const label = cfg.condition === "service_healthy" ? "healthy" : "completed successfully";
      out.push(
        b.add(
          { kind: "wait", service: dep, condition: cfg.condition, dependant: n, required: cfg.required, containers: finalNames(dep) },
          `${n} waits for ${dep} to be ${label}${cfg.required ? "" : " (optional)"}`,
          depStarts,
        ),
      );
    }
    return out;
  }

  return { nodes: b.nodes(), warnings: b.warnings };
}

function stopTimeout(s: ServiceConfig, opts: { timeoutSeconds?: number }): { timeoutSeconds?: number } {
  if (opts.timeoutSeconds !== undefined) return { timeoutSeconds: opts.timeoutSeconds };
  return s.stop_grace_period_ns === undefined ? {} : { timeoutSeconds: Math.ceil(s.stop_grace_period_ns / 1e9) };
}

function networkBody(projectName: string, key: string, net: NetworkConfig) {
  const ipam = net.ipam;
  return {
    Name: net.name,
    ...(net.driver ? { Driver: net.driver } : {}),
    ...(net.internal ? { Internal: true } : {}),
    ...(net.attachable ? { Attachable: true } : {}),
    ...(net.enable_ipv4 !== undefined ? { EnableIPv4: net.enable_ipv4 } : {}),
    ...(net.enable_ipv6 !== undefined ? { EnableIPv6: net.enable_ipv6 } : {}),
    ...(Object.keys(net.driver_opts).length > 0 ? { Options: net.driver_opts } : {}),
    Labels: networkLabels(projectName, key, net),
    ...(ipam
      ? {
          IPAM: {
            ...(ipam.driver ? { Driver: ipam.driver } : {}),
            Config: ipam.config.map((c) => ({
              ...(c.subnet ? { Subnet: c.subnet } : {}),
              ...(c.ip_range ? { IPRange: c.ip_range } : {}),
              ...(c.gateway ? { Gateway: c.gateway } : {}),
              ...(c.aux_addresses ? { AuxiliaryAddresses: c.aux_addresses } : {}),
            })),
            ...(Object.keys(ipam.options).length > 0 ? { Options: ipam.options } : {}),
          },
        }
      : {}),
  };
}
