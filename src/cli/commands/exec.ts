import type { Duplex } from "node:stream";
import { failedPrecondition } from "../../common/errors.ts";
import { toEngineError } from "../../compose/engine-client/index.ts";
import { ExitStatus } from "../cli-errors.ts";
import { listProjectContainers } from "../containers.ts";
import { checkServices, type CommandContext } from "../context.ts";
import { pipeSession } from "../exec-session.ts";
import type { Invocation } from "../program.ts";

export interface ExecOptions {
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

export function execOptionsOf(inv: Invocation): ExecOptions {
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
  const conn = await ctx.engine();
  const c = (await listProjectContainers(conn.docker, name, { services: [o.service], all: false })).find((x) => x.number === o.index && x.state === "running");
  if (c === undefined) throw failedPrecondition(`service "${o.service}" is not running${o.index !== 1 ? ` (replica ${o.index})` : ""}`);
  const tty = o.tty ?? ctx.io.stdout.isTTY === true;
  const stdin = o.interactive && !o.detach;
  try {
    const exec = await conn.docker.getContainer(c.id).exec({
      Cmd: [...o.command],
      AttachStdin: stdin,
      AttachStdout: !o.detach,
      AttachStderr: !o.detach,
      Tty: tty,
      Env: [...o.env],
      Privileged: o.privileged,
      ...(o.user !== undefined ? { User: o.user } : {}),
      ...(o.workdir !== undefined ? { WorkingDir: o.workdir } : {}),
    });
    if (o.detach) {
      await exec.start({ Detach: true });
      return;
    }
    const stream = (await exec.start({ hijack: true, stdin, Tty: tty })) as unknown as Duplex;
    await pipeSession(ctx.io, stream, { tty, stdin }, (h, w) => exec.resize({ h, w }));
    const info = (await exec.inspect()) as { ExitCode?: number | null };
    if ((info.ExitCode ?? 0) !== 0) throw new ExitStatus(info.ExitCode ?? 1);
  } catch (err) {
    if (err instanceof ExitStatus) throw err;
    throw toEngineError(err, `exec in ${c.name}`);
  }
}
