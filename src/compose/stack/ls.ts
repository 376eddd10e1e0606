import { compareStrings } from "../../common/compare-strings.ts";
import { LABEL } from "../labels/index.ts";
import type { ContainerSummary } from "../engine-client/index.ts";
import type { StackContext } from "./stack-context.ts";

export interface ProjectSummary {
  readonly name: string;
  /** "running(2), exited(1)" */
  readonly status: string;
  readonly configFiles: string;
  readonly running: boolean;
}

/** Groups containers by their project label. Pure. */
export function summarizeProjects(containers: readonly ContainerSummary[]): ProjectSummary[] {
  const by = new Map<string, ContainerSummary[]>();
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
        status: [...counts].sort(([a], [b]) => compareStrings(a, b)).map(([st, n]) => `${st}(${n})`).join(", "),
        configFiles: cs[0]?.labels[LABEL.configFiles] ?? "",
        running: counts.has("running"),
      };
    });
}

/** `ls`: the projects that have containers on the engine (only those with one running, unless `all`). */
export async function listProjects(s: Pick<StackContext, "client" | "signal">, o: { readonly all: boolean }): Promise<ProjectSummary[]> {
  const projects = summarizeProjects(await s.client.listContainers({ labels: [LABEL.project] }, { signal: s.signal }));
  return projects.filter((p) => o.all || p.running);
}
