import { exec } from "../../compose/stack/exec.ts";
import { ExitStatus } from "../cli-errors.ts";
import { checkServices, type CommandContext } from "../context.ts";
import { terminalOf } from "../session-terminal.ts";
import type { Invocation } from "../program.ts";
import { stackOf } from "../stack-context.ts";

/** `exec`'s command line. */
export interface ExecArgs {
  readonly service: string;
  readonly command: readonly string[];
  /** undefined = a TTY when stdout is one. */
  readonly tty?: boolean;
  readonly interactive: boolean;
  readonly detach: boolean;
  readonly env: readonly string[];
  readonly user?: string;
  readonly workdir?: string;
  readonly index: number;
  readonly privileged: boolean;
}

export function execOptionsOf(inv: Invocation): ExecArgs {
  const o = inv.options;
  const [service = "", ...command] = inv.args;
  return {
    service,
    command,
    ...(o["tty"] === false ? { tty: false } : {}),
    interactive: o["interactive"] !== false,
    detach: o["detach"] === true,
    env: (o["env"] as string[] | undefined) ?? [],
    ...(typeof o["user"] === "string" ? { user: o["user"] } : {}),
    ...(typeof o["workdir"] === "string" ? { workdir: o["workdir"] } : {}),
    index: typeof o["index"] === "number" ? o["index"] : 1,
    privileged: o["privileged"] === true,
  };
}

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const o = execOptionsOf(inv);
  const { name, loaded } = await ctx.projectOrName();
  checkServices(loaded, [o.service]);
  const code = await exec(await stackOf(ctx), name, { ...o, tty: o.tty ?? ctx.io.stdout.isTTY === true }, terminalOf(ctx.io));
  if (code !== 0) throw new ExitStatus(code);
}
