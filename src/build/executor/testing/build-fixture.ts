import { parseDockerfile } from "../../dockerfile/parse-dockerfile.ts";
import { parsePlatform } from "../../expand/platform.ts";
import { planBuild, type BuildPlan } from "../../plan-build.ts";
import { executeBuild, type ExecuteBuildOptions } from "../execute-build.ts";
import type { BuildOutput } from "../results.ts";
import { createFakes, type FakeImage, type Fakes } from "./fake-ports.ts";
import { dirNode } from "./fake-tree.ts";

// A build as the executor's tests run it: Dockerfile text → plan → executeBuild over fakes.

export const PLATFORM = parsePlatform("linux/amd64");

/** A small base image: users root and app (1000:1001), /etc, /tmp, /bin/sh. */
export const ALPINE: FakeImage = {
  files: {
    "/etc/passwd": "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n",
    "/etc/group": "root:x:0:\napp:x:1001:\nstaff:x:50:\n",
    "/tmp": dirNode(0o1777),
    "/bin/sh": "ELF",
  },
  config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["/bin/sh"] },
};

export function fakes(context: Readonly<Record<string, string>> = {}, dockerignore?: string): Fakes {
  return createFakes({ images: { alpine: ALPINE }, context, ...(dockerignore === undefined ? {} : { dockerignore }) });
}

export function plan(text: string, options: { readonly target?: string; readonly args?: Readonly<Record<string, string>> } = {}): BuildPlan {
  return planBuild({
    dockerfile: parseDockerfile(text),
    ...(options.target === undefined ? {} : { target: options.target }),
    buildArgs: new Map(Object.entries(options.args ?? {})),
    platforms: { build: PLATFORM, target: PLATFORM },
  });
}

export function build(
  f: Fakes,
  text: string,
  options: ExecuteBuildOptions & { readonly target?: string; readonly args?: Readonly<Record<string, string>> } = {},
): Promise<BuildOutput> {
  return executeBuild(plan(text, options), f.ports, options);
}

/** Each step's outcome, per stage index: "cached", "built" or "config". */
export function outcomes(out: BuildOutput): Record<number, string[]> {
  return Object.fromEntries(out.stages.map((s) => [s.index, s.steps.map((st) => st.outcome)]));
}

/** Resolves once `check` holds, polling the event loop (no timers). */
export async function eventually(check: () => boolean, tries = 1000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (check()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error("condition never held");
}
