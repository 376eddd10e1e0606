import { invalidArgument } from "../../common/errors.ts";
import { observe } from "../observe/index.ts";
import { plan, type Plan, type PullPolicy } from "../plan/index.ts";
import type { WatchSessionOptions } from "../watch/index.ts";
import type { AttachOptions } from "./attach.ts";
import { resolveEnvironments } from "./environment.ts";
import { resolveImages, runPlan } from "./run-plan.ts";
import type { StackContext, StackProject } from "./stack-context.ts";

export interface UpOptions {
  /** The services to bring up (with their dependencies unless noDeps); all when empty. */
  readonly services: readonly string[];
  readonly noDeps: boolean;
  readonly forceRecreate: boolean;
  readonly noRecreate: boolean;
  readonly alwaysRecreateDeps: boolean;
  readonly removeOrphans: boolean;
  readonly scale: Readonly<Record<string, number>>;
  readonly noStart: boolean;
  readonly pull?: PullPolicy;
  readonly timeoutSeconds?: number;
  /** Plan only: the engine is observed, never changed. */
  readonly dryRun: boolean;
  /** After the plan ran: return, wait until the services are ready, or attach to their output. */
  readonly then: { readonly kind: "detach" } | { readonly kind: "wait"; readonly timeoutSeconds?: number } | ({ readonly kind: "attach" } & AttachOptions);
  /** Attached: also watch the services' develop.watch paths until the attachment ends (`up --watch`). */
  readonly watch?: Omit<WatchSessionOptions, "services">;
}

export interface UpResult {
  readonly plan: Plan;
  /** Attached: --exit-code-from's or the first exit's code, 130 after an interrupt; else 0. */
  readonly exitCode: number;
}

/** Observe → resolve images and environments → plan. No changes to the engine. */
export async function planUp(s: Pick<StackContext, "client" | "signal" | "fs">, sp: StackProject, o: UpOptions): Promise<Plan> {
  const { project } = sp;
  if (o.then.kind === "attach" && o.then.exitCodeFrom !== undefined && !Object.hasOwn(project.services, o.then.exitCodeFrom)) {
    throw invalidArgument(`--exit-code-from: no such service: ${o.then.exitCodeFrom}`);
  }
  for (const svc of Object.keys(o.scale)) if (!Object.hasOwn(project.services, svc)) throw invalidArgument(`--scale: no such service: ${svc}`);
  const [observed, images, environment] = await Promise.all([
    observe(s.client, project.name, { signal: s.signal }),
    resolveImages(s.client, project, s.signal),
    resolveEnvironments(project, sp.environment, s.fs),
  ]);
  return plan(project, observed, {
    images,
    services: o.services,
    noDeps: o.noDeps,
    forceRecreate: o.forceRecreate,
    noRecreate: o.noRecreate,
    alwaysRecreateDeps: o.alwaysRecreateDeps,
    removeOrphans: o.removeOrphans,
    scale: o.scale,
    noStart: o.noStart,
    ...(o.pull !== undefined ? { pullPolicy: o.pull } : {}),
    ...(o.timeoutSeconds !== undefined ? { timeoutSeconds: o.timeoutSeconds } : {}),
    environment,
  });
}

/**
 * `up`: plans, runs the plan, then waits or attaches as asked. The wait and attach code is
 * loaded only when asked for: a no-op `up -d` stays as light as planning.
 */
export async function up(s: StackContext, sp: StackProject, o: UpOptions): Promise<UpResult> {
  if (o.watch !== undefined && o.then.kind !== "attach") throw invalidArgument("watching needs an attached up");
  // Checked before anything changes: some selected service has rules to watch.
  if (o.watch !== undefined) (await import("../watch/watch-plan.ts")).planWatch(sp.project, o.services, new Map());
  const p = await planUp(s, sp, o);
  if (o.dryRun) return { plan: p, exitCode: 0 };
  // Fractional: a whole second could replay the exits and log lines of an earlier run of the stack.
  const startedAt = s.now() / 1000;
  await runPlan(s, p);
  if (o.noStart || o.then.kind === "detach") return { plan: p, exitCode: 0 };
  const services = o.services.length > 0 ? o.services : Object.keys(sp.project.services);
  if (o.then.kind === "wait") {
    const { waitReady } = await import("./wait-ready.ts");
    await waitReady(s, sp.project, services, o.then.timeoutSeconds);
    return { plan: p, exitCode: 0 };
  }
  const { attachToStack } = await import("./attach.ts");
  const watching = o.watch !== undefined ? await (await import("../watch/watch-session.ts")).startWatch(s, sp.project, { ...o.watch, services: o.services }) : undefined;
  try {
    return { plan: p, exitCode: await attachToStack(s, sp.project, services, startedAt, o.then) };
  } finally {
    await watching?.close();
  }
}
