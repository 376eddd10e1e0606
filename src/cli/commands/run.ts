import { run as runOneOff, type RunOptions } from "../../compose/stack/run.ts";
import { ExitStatus } from "../cli-errors.ts";
import type { CommandContext } from "../context.ts";
import { terminalOf } from "../session-terminal.ts";
import type { Invocation } from "../program.ts";
import { stackOf } from "../stack-context.ts";
import { stackCall } from "../stack-errors.ts";

/** `run`'s command line: the operation's options but the TTY and stdin, which depend on the terminal. */
export type RunArgs = Omit<RunOptions, "tty" | "interactive"> & { readonly tty?: boolean };

export function runOptionsOf(inv: Invocation): RunArgs {
  const o = inv.options;
  const [service = "", ...command] = inv.args;
  const str = (k: string) => (typeof o[k] === "string" ? { [k]: o[k] as string } : {});
  return {
    service,
    command,
    rm: o["rm"] === true,
    detach: o["detach"] === true,
    env: (o["env"] as string[] | undefined) ?? [],
    labels: (o["label"] as string[] | undefined) ?? [],
    ...str("entrypoint"),
    publish: (o["publish"] as string[] | undefined) ?? [],
    servicePorts: o["servicePorts"] === true,
    noDeps: o["deps"] === false,
    ...(o["tty"] === false ? { tty: false } : {}),
    ...str("user"),
    ...str("workdir"),
    ...str("name"),
  };
}

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const args = runOptionsOf(inv);
  const loaded = await ctx.project([args.service]);
  // A TTY when ours is one (unless -T); stdin when it is a terminal, or always without a TTY.
  const tty = !args.detach && (args.tty ?? ctx.io.stdout.isTTY === true);
  const interactive = !args.detach && (ctx.io.stdin.isTTY === true || !tty);
  const r = await stackCall(runOneOff(await stackOf(ctx), loaded, { ...args, tty, interactive }, terminalOf(ctx.io)));
  if (args.detach) ctx.out(r.id);
  else if (r.exitCode !== 0) throw new ExitStatus(r.exitCode);
}
