// Test-only: a stack context over the fake engine that records what operations report.
import { FakeEngineClient } from "../engine-client/index.ts";
import { memoryLoaderFs } from "../load/index.ts";
import type { Project } from "../model/index.ts";
import { projectFromYaml } from "../plan/test-fixtures.ts";
import type { StackContext, StackProject } from "./stack-context.ts";
import type { UpOptions } from "./up.ts";

export interface TestStack {
  readonly s: StackContext;
  readonly client: FakeEngineClient;
  /** `<verb> <resource> <status>` for progress, `warn <message>` for warnings, status lines as they are. */
  readonly reported: string[];
  /** Aborts the context's signal (Ctrl-C). */
  interrupt(): void;
}

export function testStack(client = new FakeEngineClient()): TestStack {
  const reported: string[] = [];
  const ctl = new AbortController();
  const s: StackContext = {
    client,
    signal: ctl.signal,
    now: () => Date.now(),
    // Polls go round at once: the fake's states change per call, not with time.
    sleep: async (_ms, signal) => signal.throwIfAborted(),
    fs: memoryLoaderFs({}),
    reporter: {
      progress: (verb) => ({ sink: (e) => void (e.status !== "progress" && reported.push(`${verb} ${e.resource} ${e.status}`)), close: () => {} }),
      warn: (m) => void reported.push(`warn ${m}`),
      status: (l) => void reported.push(l),
    },
  };
  return { s, client, reported, interrupt: () => ctl.abort(Object.assign(new Error("interrupted"), { name: "AbortError" })) };
}

/** A project (named demo) from YAML, with an empty environment. */
export function stackProject(yaml: string): StackProject & { readonly project: Project } {
  return { project: projectFromYaml(yaml), environment: {} };
}

/** `up -d` of every service, nothing forced. */
export function upDetached(): UpOptions {
  return { services: [], noDeps: false, forceRecreate: false, noRecreate: false, alwaysRecreateDeps: false, removeOrphans: false, scale: {}, noStart: false, dryRun: false, then: { kind: "detach" } };
}
