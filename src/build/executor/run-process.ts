import type { Platform } from "../expand/platform.ts";
import type { Step } from "../expand/step.ts";
import { stageSource } from "../stages/stage-graph.ts";
import type { BuildSession } from "./build-session.ts";
import type { ProcessMount, StepProcess } from "./ports.ts";
import { readSource, treeOf, type TreeSource } from "./read-source.ts";
import { sourcePattern } from "./source-select.ts";

// A RUN's mounts with their sources resolved, and its process. A bind mount's content is an
// input of the step's cache key (one digest per bind mount, in order); a cache mount's never is:
// a cache is a scratch space shared between builds, whatever it holds. Proxy build args reach the
// process's environment here, after the key was taken.

type RunStep = Extract<Step, { kind: "run" }>;

export interface RunMounts {
  readonly mounts: readonly ProcessMount[];
  /** One digest per bind mount, in mount order. */
  readonly bindDigests: readonly string[];
}

export async function runMounts(session: BuildSession, step: RunStep, line: number, platform: Platform): Promise<RunMounts> {
  const graph = session.plan.graph;
  const treeNamed = (from: string | undefined): Promise<TreeSource> =>
    treeOf(session, from === undefined ? { kind: "context" } : stageSource({ file: graph.file, stageCount: graph.stages.length, byName: graph.byName }, from, line), platform);
  const mounts: ProcessMount[] = [];
  const bindDigests: string[] = [];
  for (const m of step.mounts) {
    switch (m.type) {
      case "bind": {
        const source = await treeNamed(m.from);
        // Bind mounts show owners and modes as they are: all of it is an input.
        const read = await readSource(session, source, m.source || ".", { owner: false, mode: false });
        bindDigests.push(read.digest);
        mounts.push({ type: "bind", target: m.target, tree: source.tree, path: sourcePattern(m.source), readonly: m.readonly });
        break;
      }
      case "cache": {
        const { from, source, ...cache } = m;
        const seed = from === undefined ? undefined : { tree: (await treeNamed(from)).tree, path: sourcePattern(source ?? "") };
        mounts.push({ ...cache, ...(seed === undefined ? {} : { seed }) });
        break;
      }
      case "tmpfs":
      case "secret":
      case "ssh":
        mounts.push(m);
        break;
    }
  }
  return { mounts, bindDigests };
}

export function stepProcess(step: RunStep, mounts: readonly ProcessMount[], proxyEnv: ReadonlyMap<string, string>, platform: Platform): StepProcess {
  const { kind: _kind, mounts: _planned, ...process } = step;
  const names = new Set(step.env.map((e) => e.slice(0, Math.max(0, e.indexOf("=")))));
  const proxies = [...proxyEnv].filter(([k]) => !names.has(k)).map(([k, v]) => `${k}=${v}`);
  return { ...process, env: [...step.env, ...proxies], mounts, platform };
}
