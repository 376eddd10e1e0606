import { invalidArgument } from "../../common/errors.ts";
import type { Project } from "../../compose/model/index.ts";
import { formatPlan, type PullPolicy } from "../../compose/plan/index.ts";
import type { AttachOptions } from "../../compose/stack/attach.ts";
import { up, type UpOptions } from "../../compose/stack/up.ts";
import { categorize, ExitStatus } from "../cli-errors.ts";
import type { CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { stackOf } from "../stack-context.ts";
import { stackCall } from "../stack-errors.ts";

/** What comes after the plan, as the command line says it (attached: the output's sinks are the command's). */
type Then = Exclude<UpOptions["then"], { kind: "attach" }> | ({ readonly kind: "attach" } & Omit<AttachOptions, "consumer" | "kill">);

/** `up`'s command line: the operation's options, and how attached output is shown. */
export interface UpCommand {
  readonly up: Omit<UpOptions, "then"> & { readonly then: Then };
  readonly color: boolean;
  readonly logPrefix: boolean;
  /** `--watch`: watch the services' develop.watch paths while attached. */
  readonly watch: boolean;
}

/** `svc=N` → [svc, N]. */
export function parseScale(v: string): [string, number] {
  const m = /^([^=]+)=(\d+)$/.exec(v);
  if (m === null) throw categorize("usage", invalidArgument(`invalid --scale ${JSON.stringify(v)}: expected SERVICE=NUMBER`));
  return [m[1] as string, Number(m[2])];
}

/** The parsed command line of `up`. Pure; rejects contradictory flags. */
export function upOptionsOf(inv: Invocation): UpCommand {
  const o = inv.options;
  const exitCodeFrom = typeof o["exitCodeFrom"] === "string" ? o["exitCodeFrom"] : undefined;
  const abort = o["abortOnContainerExit"] === true || exitCodeFrom !== undefined;
  const wait = o["wait"] === true;
  const detach = o["detach"] === true || wait;
  const usage = (m: string) => categorize("usage", invalidArgument(m));
  if (o["forceRecreate"] === true && o["recreate"] === false) throw usage("--force-recreate and --no-recreate are incompatible");
  if (detach && abort) throw usage(`${wait ? "--wait" : "--detach"} and ${exitCodeFrom !== undefined ? "--exit-code-from" : "--abort-on-container-exit"} are incompatible`);
  if (o["start"] === false && (wait || abort)) throw usage("--no-start cannot be combined with --wait or --abort-on-container-exit");
  const watch = o["watch"] === true;
  if (watch && (detach || o["start"] === false || o["dryRun"] === true)) throw usage(`--watch watches an attached up: it cannot be combined with ${wait ? "--wait" : detach ? "--detach" : o["dryRun"] === true ? "--dry-run" : "--no-start"}`);
  const timeoutSeconds = typeof o["timeout"] === "number" ? o["timeout"] : undefined;
  const then: Then = wait
    ? { kind: "wait", ...(typeof o["waitTimeout"] === "number" ? { timeoutSeconds: o["waitTimeout"] } : {}) }
    : detach
      ? { kind: "detach" }
      : {
          kind: "attach",
          abortOnContainerExit: abort,
          ...(exitCodeFrom !== undefined ? { exitCodeFrom } : {}),
          ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
          timestamps: o["timestamps"] === true,
        };
  return {
    up: {
      services: inv.args,
      dryRun: o["dryRun"] === true,
      forceRecreate: o["forceRecreate"] === true,
      noRecreate: o["recreate"] === false,
      alwaysRecreateDeps: o["alwaysRecreateDeps"] === true,
      noDeps: o["deps"] === false,
      removeOrphans: o["removeOrphans"] === true,
      scale: Object.fromEntries(((o["scale"] as string[] | undefined) ?? []).map(parseScale)),
      noStart: o["start"] === false,
      ...(typeof o["pull"] === "string" ? { pull: o["pull"] as PullPolicy } : {}),
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      then,
    },
    color: o["color"] !== false,
    logPrefix: o["logPrefix"] !== false,
    watch,
  };
}

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const cmd = upOptionsOf(inv);
  const loaded = await ctx.project(cmd.up.services, { forWatch: cmd.watch });
  const s = await stackOf(ctx);
  const { then } = cmd.up;
  // Attached: the log printer (loaded only then) and a second Ctrl-C that kills.
  const watch = cmd.watch ? (await import("./watch.ts")).watchPorts(false) : undefined;
  const o: UpOptions = { ...cmd.up, then: then.kind === "attach" ? { ...then, ...(await attachedOutput(ctx, cmd, loaded.project)) } : then, ...(watch !== undefined ? { watch } : {}) };
  const r = await stackCall(up(s, loaded, o));
  if (cmd.up.dryRun) ctx.io.stdout.write(formatPlan(r.plan));
  if (r.exitCode !== 0) throw new ExitStatus(r.exitCode);
}

async function attachedOutput(ctx: CommandContext, cmd: UpCommand, project: Project): Promise<Pick<AttachOptions, "consumer" | "kill">> {
  const { logPrinter } = await import("../logs/log-format.ts");
  const services = [...(cmd.up.services.length > 0 ? cmd.up.services : Object.keys(project.services))].sort();
  // Prefixes line up: as wide as the longest `service-N` label.
  const width = Math.max(...services.map((svc) => `${svc}-${Math.max(1, project.services[svc]?.scale ?? 1)}`.length), 0);
  const kill = new AbortController();
  ctx.io.interrupt.onRepeat(() => kill.abort());
  return { consumer: logPrinter(ctx.out, services, { prefix: cmd.logPrefix, color: cmd.color && ctx.color, width }), kill: kill.signal };
}
