import { toEngineError } from "../../compose/engine-client/index.ts";
import { LABEL } from "../../compose/labels/index.ts";
import { projectContainerOf, type ProjectContainer } from "../containers.ts";
import type { CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { table } from "../table.ts";
import { compareStrings } from "../../common/compare-strings.ts";

export interface ProjectSummary {
  readonly name: string;
  /** "running(2), exited(1)" */
  readonly status: string;
  readonly configFiles: string;
  readonly running: boolean;
}

/** Groups containers by their project label. Pure. */
export function summarizeProjects(containers: readonly ProjectContainer[]): ProjectSummary[] {
  const by = new Map<string, ProjectContainer[]>();
  for (const c of containers) {
    const p = c.labels[LABEL.project];
    if (p !== undefined) by.set(p, [...(by.get(p) ?? []), c]);
  }
  return [...by]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([name, cs]) => {
      const counts = new Map<string, number>();
      for (const c of cs) counts.set(c.state, (counts.get(c.state) ?? 0) + 1);
      return {
        name,
        status: [...counts].sort(([a], [b]) => compareStrings(a, b)).map(([s, n]) => `${s}(${n})`).join(", "),
        configFiles: cs[0]?.labels[LABEL.configFiles] ?? "",
        running: counts.has("running"),
      };
    });
}

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const conn = await ctx.engine();
  let raw;
  try {
    raw = await conn.docker.listContainers({ all: true, filters: JSON.stringify({ label: [LABEL.project] }) });
  } catch (err) {
    throw toEngineError(err, "list containers");
  }
  const projects = summarizeProjects(raw.map(projectContainerOf)).filter((p) => inv.options["all"] === true || p.running);
  if (inv.options["quiet"] === true) ctx.io.stdout.write(projects.map((p) => `${p.name}\n`).join(""));
  else if (inv.options["format"] === "json") ctx.out(JSON.stringify(projects.map((p) => ({ Name: p.name, Status: p.status, ConfigFiles: p.configFiles }))));
  else ctx.io.stdout.write(table(["NAME", "STATUS", "CONFIG FILES"], projects.map((p) => [p.name, p.status, p.configFiles])));
}
