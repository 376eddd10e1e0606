import { listProjectContainers, type ProjectContainer } from "../containers.ts";
import type { CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { table } from "../table.ts";
import { compareStrings } from "../../common/compare-strings.ts";

export interface PsOptions {
  readonly services: readonly string[];
  readonly all: boolean;
  readonly quiet: boolean;
  readonly servicesOnly: boolean;
  readonly status: readonly string[];
  readonly format: "table" | "json";
}

export function psOptionsOf(inv: Invocation): PsOptions {
  const o = inv.options;
  return {
    services: inv.args,
    all: o["all"] === true,
    quiet: o["quiet"] === true,
    servicesOnly: o["services"] === true,
    status: (o["status"] as string[] | undefined) ?? [],
    format: o["format"] === "json" ? "json" : "table",
  };
}

/** "0.0.0.0:8080->80/tcp, 443/tcp" as docker prints a container's ports. */
export function formatPorts(ports: ProjectContainer["ports"]): string {
  return [...ports]
    .sort((a, b) => a.PrivatePort - b.PrivatePort || compareStrings(a.IP ?? "", b.IP ?? ""))
    .map((p) => (p.PublicPort !== undefined && p.PublicPort !== 0 ? `${p.IP !== undefined && p.IP !== "" ? (p.IP.includes(":") ? `[${p.IP}]` : p.IP) : "0.0.0.0"}:${p.PublicPort}->${p.PrivatePort}/${p.Type}` : `${p.PrivatePort}/${p.Type}`))
    .join(", ");
}

/** The text `ps` prints. Pure. */
export function renderPs(containers: readonly ProjectContainer[], opts: PsOptions): string {
  let rows = [...containers];
  if (opts.status.length > 0) rows = rows.filter((c) => opts.status.includes(c.state));
  if (opts.quiet) return rows.map((c) => `${c.id}\n`).join("");
  if (opts.servicesOnly) return [...new Set(rows.map((c) => c.service))].map((s) => `${s}\n`).join("");
  if (opts.format === "json") {
    return `${JSON.stringify(
      rows.map((c) => ({ ID: c.id, Name: c.name, Image: c.image, Command: c.command, Project: c.labels["com.docker.compose.project"] ?? "", Service: c.service, Created: c.created, State: c.state, Status: c.status, Publishers: c.ports.map((p) => ({ URL: p.IP ?? "", TargetPort: p.PrivatePort, PublishedPort: p.PublicPort ?? 0, Protocol: p.Type })) })),
    )}\n`;
  }
  return table(
    ["NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"],
    rows.map((c) => [c.name, c.image, JSON.stringify(c.command.length > 20 ? `${c.command.slice(0, 19)}…` : c.command), c.service, new Date(c.created * 1000).toISOString().replace("T", " ").slice(0, 19), c.status, formatPorts(c.ports)]),
  );
}

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const opts = psOptionsOf(inv);
  const { name } = await ctx.projectOrName();
  const conn = await ctx.engine();
  const containers = await listProjectContainers(conn.docker, name, { services: opts.services, all: opts.all || opts.status.length > 0, oneoff: opts.all });
  ctx.io.stdout.write(renderPs(containers, opts));
}
