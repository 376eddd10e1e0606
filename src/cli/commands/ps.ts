import { compareStrings } from "../../common/compare-strings.ts";
import type { PortSummary } from "../../compose/engine-client/index.ts";
import type { ObservedContainer } from "../../compose/observe/index.ts";
import { ps } from "../../compose/stack/ps.ts";
import type { CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { stackOf } from "../stack-context.ts";
import { table } from "../table.ts";

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
export function formatPorts(ports: readonly PortSummary[]): string {
  return [...ports]
    .sort((a, b) => a.privatePort - b.privatePort || compareStrings(a.ip ?? "", b.ip ?? ""))
    .map((p) => (p.publicPort !== undefined ? `${p.ip !== undefined ? (p.ip.includes(":") ? `[${p.ip}]` : p.ip) : "0.0.0.0"}:${p.publicPort}->${p.privatePort}/${p.protocol}` : `${p.privatePort}/${p.protocol}`))
    .join(", ");
}

/** The text `ps` prints. Pure. */
export function renderPs(rows: readonly ObservedContainer[], opts: Pick<PsOptions, "quiet" | "servicesOnly" | "format">): string {
  if (opts.quiet) return rows.map((c) => `${c.id}\n`).join("");
  if (opts.servicesOnly) return [...new Set(rows.map((c) => c.service))].map((s) => `${s}\n`).join("");
  if (opts.format === "json") {
    return `${JSON.stringify(
      rows.map((c) => ({ ID: c.id, Name: c.name, Image: c.image, Command: c.command, Project: c.labels["com.docker.compose.project"] ?? "", Service: c.service, Created: c.created, State: c.state, Status: c.status, Publishers: c.ports.map((p) => ({ URL: p.ip ?? "", TargetPort: p.privatePort, PublishedPort: p.publicPort ?? 0, Protocol: p.protocol })) })),
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
  ctx.io.stdout.write(renderPs(await ps(await stackOf(ctx), name, opts), opts));
}
