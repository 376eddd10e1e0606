import { randomBytes } from "node:crypto";
import type { Duplex } from "node:stream";
import { invalidArgument } from "../../common/errors.ts";
import type { ContainerCreateBody, PortBindingBody } from "../../compose/engine-client/index.ts";
import { serviceToCreateOptions } from "../../compose/plan/index.ts";
import { LABEL, ONEOFF_TRUE } from "../../compose/labels/index.ts";
import { parsePortShort, type Project } from "../../compose/model/index.ts";
import { observe } from "../../compose/observe/index.ts";
import { imageRef, plan, type Plan } from "../../compose/plan/index.ts";
import { ExitStatus } from "../cli-errors.ts";
import type { CommandContext } from "../context.ts";
import { pipeSession } from "../exec-session.ts";
import type { Invocation } from "../program.ts";
import { resolveEnvironments } from "../service-environment.ts";
import { resolveImages, runPlan } from "../stack-ops.ts";

export interface RunOptions {
  readonly service: string;
  readonly command: readonly string[];
  readonly rm: boolean;
  readonly detach: boolean;
  readonly env: readonly string[];
  readonly labels: readonly string[];
  readonly entrypoint?: string;
  readonly publish: readonly string[];
  readonly servicePorts: boolean;
  readonly noDeps: boolean;
  readonly tty?: boolean;
  readonly user?: string;
  readonly workdir?: string;
  readonly name?: string;
}

export function runOptionsOf(inv: Invocation): RunOptions {
  const o = inv.options;
  const [service = "", ...command] = inv.args;
  const str = (k: string) => (typeof o[k] === "string" ? { [k]: o[k] as string } : {});
  return {
    service,
    command,
    rm: o["rm"] === true,
    detach: o["detach"] === true,
    env: (o["env"] as string[] | undefined) ?? [],
    labels: (o["label"] as string[] | undefined) ?? [],
    ...str("entrypoint"),
    publish: (o["publish"] as string[] | undefined) ?? [],
    servicePorts: o["servicePorts"] === true,
    noDeps: o["deps"] === false,
    ...(o["tty"] === false ? { tty: false } : {}),
    ...str("user"),
    ...str("workdir"),
    ...str("name"),
  };
}

/**
 * The part of an `up` plan a one-off container needs: networks, volumes, its image, and its
 * dependencies (unless --no-deps) — without creating or touching the service's own containers.
 */
export function infraPlanFor(full: Plan, service: string): Plan {
  const dropped = new Set(full.nodes.filter((n) => n.op.kind !== "wait" && n.op.kind !== "pull-image" && "service" in n.op && n.op.service === service).map((n) => n.id));
  return { nodes: full.nodes.filter((n) => !dropped.has(n.id)).map((n) => ({ ...n, deps: n.deps.filter((d) => !dropped.has(d)) })), warnings: full.warnings };
}

/** The create body of a one-off container, from the service's. Pure. */
export function oneOffBody(base: ContainerCreateBody, o: RunOptions, tty: boolean, interactive: boolean): ContainerCreateBody {
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
    Tty: tty,
    OpenStdin: interactive,
    StdinOnce: interactive,
    AttachStdin: interactive,
    AttachStdout: !o.detach,
    AttachStderr: !o.detach,
    HostConfig: { ...base.HostConfig, PortBindings: portBindings, AutoRemove: o.rm, RestartPolicy: { Name: "no" } },
  };
}

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const o = runOptionsOf(inv);
  const loaded = await ctx.project([o.service]);
  const project: Project = loaded.project;
  const svc = project.services[o.service];
  if (svc === undefined) throw invalidArgument(`no such service: ${o.service}`);
  const conn = await ctx.engine();
  const signal = ctx.io.interrupt.signal;
  const [observed, images, environment] = await Promise.all([observe(conn.client, project.name, { signal }), resolveImages(conn.client, project, [o.service], signal), resolveEnvironments(project, loaded.environment)]);
  const infra = infraPlanFor(plan(project, observed, { images, services: [o.service], noDeps: o.noDeps, environment }), o.service);
  if (infra.nodes.length > 0) await runPlan(ctx, infra, conn.client);
  const imageId = (await resolveImages(conn.client, project, [o.service], signal))[imageRef(project, svc)];
  const base = serviceToCreateOptions(project, svc, 1, { ...(imageId !== undefined ? { imageId } : {}), environment: environment[o.service] ?? {} });
  const tty = !o.detach && (o.tty ?? ctx.io.stdout.isTTY === true);
  const interactive = !o.detach && (ctx.io.stdin.isTTY === true || !tty);
  const name = o.name ?? `${project.name}-${o.service}-run-${randomBytes(6).toString("hex")}`;
  const body = oneOffBody(base.body, o, tty, interactive);
  const { id } = await conn.client.createContainer(name, body, { signal });
  const container = conn.docker.getContainer(id);
  if (o.detach) {
    await conn.client.startContainer(id);
    ctx.out(id);
    return;
  }
  // Attach before starting, so no early output is lost.
  const stream = (await container.attach({ stream: true, stdin: interactive, stdout: true, stderr: true, hijack: true })) as unknown as Duplex;
  // The code comes from the exit; with --rm we also wait for the removal, as docker run does
  // (a "removed" wait alone need not report the code once the container is gone).
  const exited = conn.client.waitContainer(id, { condition: "next-exit" }).catch(() => ({ statusCode: -1 }));
  const removed = o.rm ? conn.client.waitContainer(id, { condition: "removed" }).catch(() => undefined) : undefined;
  await conn.client.startContainer(id);
  await pipeSession(ctx.io, stream, { tty, stdin: interactive }, (h, w) => container.resize({ h, w }));
  const { statusCode } = await exited;
  await removed;
  if (statusCode !== 0) throw new ExitStatus(statusCode < 0 ? 1 : statusCode);
}
