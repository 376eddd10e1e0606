import { invalidArgument } from "../../common/errors.ts";
import type { EngineClient } from "../../compose/engine-client/index.ts";
import { observe } from "../../compose/observe/index.ts";
import { formatPlan, plan, type Plan, type PullPolicy } from "../../compose/plan/index.ts";
import { categorize } from "../cli-errors.ts";
import type { CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import type { LoadedProject } from "../project.ts";
import { resolveEnvironments } from "../service-environment.ts";
import { resolveImages, runPlan } from "../stack-ops.ts";

export interface UpOptions {
  readonly services: readonly string[];
  readonly detach: boolean;
  readonly dryRun: boolean;
  readonly forceRecreate: boolean;
  readonly noRecreate: boolean;
  readonly alwaysRecreateDeps: boolean;
  readonly noDeps: boolean;
  readonly removeOrphans: boolean;
  readonly scale: Readonly<Record<string, number>>;
  readonly noStart: boolean;
  readonly pull?: PullPolicy;
  readonly wait: boolean;
  readonly waitTimeoutSeconds?: number;
  readonly abortOnContainerExit: boolean;
  readonly exitCodeFrom?: string;
  readonly timeoutSeconds?: number;
  readonly color: boolean;
  readonly logPrefix: boolean;
  readonly timestamps: boolean;
}

/** `svc=N` → [svc, N]. */
export function parseScale(v: string): [string, number] {
  const m = /^([^=]+)=(\d+)$/.exec(v);
  if (m === null) throw categorize("usage", invalidArgument(`invalid --scale ${JSON.stringify(v)}: expected SERVICE=NUMBER`));
  return [m[1] as string, Number(m[2])];
}

/** The parsed command line of `up` as an options object. Pure; rejects contradictory flags. */
export function upOptionsOf(inv: Invocation): UpOptions {
  const o = inv.options;
  const exitCodeFrom = typeof o["exitCodeFrom"] === "string" ? o["exitCodeFrom"] : undefined;
  const abort = o["abortOnContainerExit"] === true || exitCodeFrom !== undefined;
  const wait = o["wait"] === true;
  const detach = o["detach"] === true || wait;
  const usage = (m: string) => categorize("usage", invalidArgument(m));
  if (o["forceRecreate"] === true && o["recreate"] === false) throw usage("--force-recreate and --no-recreate are incompatible");
  if (detach && abort) throw usage(`${wait ? "--wait" : "--detach"} and ${exitCodeFrom !== undefined ? "--exit-code-from" : "--abort-on-container-exit"} are incompatible`);
  if (o["start"] === false && (wait || abort)) throw usage("--no-start cannot be combined with --wait or --abort-on-container-exit");
  return {
    services: inv.args,
    detach,
    dryRun: o["dryRun"] === true,
    forceRecreate: o["forceRecreate"] === true,
    noRecreate: o["recreate"] === false,
    alwaysRecreateDeps: o["alwaysRecreateDeps"] === true,
    noDeps: o["deps"] === false,
    removeOrphans: o["removeOrphans"] === true,
    scale: Object.fromEntries(((o["scale"] as string[] | undefined) ?? []).map(parseScale)),
    noStart: o["start"] === false,
    ...(typeof o["pull"] === "string" ? { pull: o["pull"] as PullPolicy } : {}),
    wait,
    ...(typeof o["waitTimeout"] === "number" ? { waitTimeoutSeconds: o["waitTimeout"] } : {}),
    abortOnContainerExit: abort,
    ...(exitCodeFrom !== undefined ? { exitCodeFrom } : {}),
    ...(typeof o["timeout"] === "number" ? { timeoutSeconds: o["timeout"] } : {}),
    color: o["color"] !== false,
    logPrefix: o["logPrefix"] !== false,
    timestamps: o["timestamps"] === true,
  };
}

/** Observe → resolve images and environments → plan. No changes to the engine. */
export async function planUp(client: EngineClient, loaded: LoadedProject, opts: UpOptions, signal?: AbortSignal): Promise<Plan> {
  const project = loaded.project;
  if (opts.exitCodeFrom !== undefined && !Object.hasOwn(project.services, opts.exitCodeFrom)) throw invalidArgument(`--exit-code-from: no such service: ${opts.exitCodeFrom}`);
  for (const s of Object.keys(opts.scale)) if (!Object.hasOwn(project.services, s)) throw invalidArgument(`--scale: no such service: ${s}`);
  const [observed, images, environment] = await Promise.all([
    observe(client, project.name, signal !== undefined ? { signal } : {}),
    resolveImages(client, project, opts.services, signal),
    resolveEnvironments(project, loaded.environment),
  ]);
  return plan(project, observed, {
    images,
    services: opts.services,
    noDeps: opts.noDeps,
    forceRecreate: opts.forceRecreate,
    noRecreate: opts.noRecreate,
    alwaysRecreateDeps: opts.alwaysRecreateDeps,
    removeOrphans: opts.removeOrphans,
    scale: opts.scale,
    noStart: opts.noStart,
    ...(opts.pull !== undefined ? { pullPolicy: opts.pull } : {}),
    ...(opts.timeoutSeconds !== undefined ? { timeoutSeconds: opts.timeoutSeconds } : {}),
    environment,
  });
}

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const opts = upOptionsOf(inv);
  const loaded = await ctx.project(opts.services);
  // Planning and running the plan need only the compose client; dockerode and the attach and
  // wait modules are loaded when --wait or an attached up asks for them (a no-op `up -d` never).
  const line = await ctx.engineLine();
  const p = await planUp(line.client, loaded, opts, ctx.io.interrupt.signal);
  if (opts.dryRun) {
    ctx.io.stdout.write(formatPlan(p));
    return;
  }
  // Fractional: a whole second could replay the exits and log lines of an earlier run of the stack.
  const startedAt = ctx.io.now() / 1000;
  await runPlan(ctx, p, line.client);
  if (opts.noStart) return;
  const services = opts.services.length > 0 ? opts.services : Object.keys(loaded.project.services);
  if (opts.wait) {
    const { waitForServices } = await import("../wait-services.ts");
    await waitForServices(ctx, await ctx.engine(), loaded.project, services, opts.waitTimeoutSeconds);
    return;
  }
  if (opts.detach) return;
  const { attachToStack } = await import("../up-attached.ts");
  await attachToStack(ctx, await ctx.engine(), loaded.project, { ...opts, services, sinceSeconds: startedAt });
}
