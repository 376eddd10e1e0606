import { randomBytes } from "node:crypto";
import { invalidArgument } from "../../common/errors.ts";
import type { ContainerCreateBody, PortBindingBody } from "../engine-client/index.ts";
import { LABEL, ONEOFF_TRUE } from "../labels/index.ts";
import { parsePortShort } from "../model/index.ts";
import { observe } from "../observe/index.ts";
import { imageRef, plan, serviceToCreateOptions, type Plan } from "../plan/index.ts";
import { resolveEnvironments } from "./environment.ts";
import { resolveImages, runPlan } from "./run-plan.ts";
import type { SessionTerminal } from "./session-terminal.ts";
import type { StackContext, StackProject } from "./stack-context.ts";

export interface RunOptions {
  readonly service: string;
  readonly command: readonly string[];
  readonly rm: boolean;
  readonly detach: boolean;
  /** KEY=VAL entries over the service's environment. */
  readonly env: readonly string[];
  /** KEY=VAL labels added. */
  readonly labels: readonly string[];
  readonly entrypoint?: string;
  /** Port specs (`8080:80`) to publish. */
  readonly publish: readonly string[];
  /** Publish the service's own ports too. */
  readonly servicePorts: boolean;
  readonly noDeps: boolean;
  readonly tty: boolean;
  /** Keep stdin open and attached. */
  readonly interactive: boolean;
  readonly user?: string;
  readonly workdir?: string;
  /** Default: `<project>-<service>-run-<random>`. */
  readonly name?: string;
}

/**
 * The part of an `up` plan a one-off container needs: networks, volumes, its image, and its
 * dependencies (unless --no-deps) — without creating or touching the service's own containers. Pure.
 */
export function infraPlanFor(full: Plan, service: string): Plan {
  const dropped = new Set(full.nodes.filter((n) => n.op.kind !== "wait" && n.op.kind !== "pull-image" && "service" in n.op && n.op.service === service).map((n) => n.id));
  return { nodes: full.nodes.filter((n) => !dropped.has(n.id)).map((n) => ({ ...n, deps: n.deps.filter((d) => !dropped.has(d)) })), warnings: full.warnings };
}

/** The create body of a one-off container, from the service's. Pure. */
export function oneOffBody(base: ContainerCreateBody, o: RunOptions): ContainerCreateBody {
  const labels: Record<string, string> = { ...base.Labels, [LABEL.oneoff]: ONEOFF_TRUE };
  for (const l of o.labels) {
    const i = l.indexOf("=");
    labels[i < 0 ? l : l.slice(0, i)] = i < 0 ? "" : l.slice(i + 1);
  }
  const portBindings: Record<string, PortBindingBody[]> = o.servicePorts ? { ...(base.HostConfig.PortBindings as Record<string, PortBindingBody[]> | undefined) } : {};
  const exposed: Record<string, Record<string, never>> = { ...(base.ExposedPorts as Record<string, Record<string, never>> | undefined) };
  for (const spec of o.publish) {
    const parsed = parsePortShort(spec);
    if (!parsed.ok) throw invalidArgument(`invalid --publish ${JSON.stringify(spec)}: ${parsed.error}`);
    for (const p of parsed.value) {
      const key = `${p.target}/${p.protocol}`;
      exposed[key] = {};
      portBindings[key] = [...(portBindings[key] ?? []), { ...(p.host_ip !== undefined ? { HostIp: p.host_ip } : {}), HostPort: p.published ?? "" }];
    }
  }
  const env = [...(base.Env ?? []).filter((e) => !o.env.some((x) => x.split("=")[0] === e.split("=")[0])), ...o.env];
  return {
    ...base,
    Labels: labels,
    Env: env,
    ...(o.command.length > 0 ? { Cmd: [...o.command] } : {}),
    ...(o.entrypoint !== undefined ? { Entrypoint: o.entrypoint.split(/\s+/).filter((s) => s !== "") } : {}),
    ...(o.user !== undefined ? { User: o.user } : {}),
    ...(o.workdir !== undefined ? { WorkingDir: o.workdir } : {}),
    ExposedPorts: exposed,
    Tty: o.tty,
    OpenStdin: o.interactive,
    StdinOnce: o.interactive,
    AttachStdin: o.interactive,
    AttachStdout: !o.detach,
    AttachStderr: !o.detach,
    HostConfig: { ...base.HostConfig, PortBindings: portBindings, AutoRemove: o.rm, RestartPolicy: { Name: "no" } },
  };
}

/**
 * `run`: brings up what a one-off container of the service needs, creates it, and either starts
 * it in the background or attaches `terminal` to it (before the start, so no early output is
 * lost) until it exits. Returns its ID and, attached, its exit code.
 */
export async function run(s: StackContext, sp: StackProject, o: RunOptions, terminal: SessionTerminal): Promise<{ readonly id: string; readonly exitCode: number }> {
  const { project } = sp;
  const svc = project.services[o.service];
  if (svc === undefined) throw invalidArgument(`no such service: ${o.service}`);
  const { client, signal } = s;
  const [observed, images, environment] = await Promise.all([observe(client, project.name, { signal }), resolveImages(client, project, signal), resolveEnvironments(project, sp.environment, s.fs)]);
  const infra = infraPlanFor(plan(project, observed, { images, services: [o.service], noDeps: o.noDeps, environment }), o.service);
  if (infra.nodes.length > 0) await runPlan(s, infra);
  // The image may have been pulled just now.
  const imageId = (await resolveImages(client, project, signal))[imageRef(project, svc)];
  const base = serviceToCreateOptions(project, svc, 1, { ...(imageId !== undefined ? { imageId } : {}), environment: environment[o.service] ?? {} });
  const name = o.name ?? `${project.name}-${o.service}-run-${randomBytes(6).toString("hex")}`;
  const { id } = await client.createContainer(name, oneOffBody(base.body, o), { signal });
  if (o.detach) {
    await client.startContainer(id);
    return { id, exitCode: 0 };
  }
  const session = await client.attachContainer(id, { stdin: o.interactive, tty: o.tty });
  // The code comes from the exit; with --rm we also wait for the removal, as docker run does
  // (a "removed" wait alone need not report the code once the container is gone).
  const exited = client.waitContainer(id, { condition: "next-exit" }).catch(() => ({ statusCode: -1 }));
  const removed = o.rm ? client.waitContainer(id, { condition: "removed" }).catch(() => undefined) : undefined;
  await client.startContainer(id);
  await terminal.connect(session, { tty: o.tty, stdin: o.interactive }, (size) => client.resizeContainerTty(id, size));
  const { statusCode } = await exited;
  await removed;
  return { id, exitCode: statusCode < 0 ? 1 : statusCode };
}
