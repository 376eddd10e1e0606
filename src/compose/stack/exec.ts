import { failedPrecondition } from "../../common/errors.ts";
import { projectContainers } from "../observe/index.ts";
import type { SessionTerminal } from "./session-terminal.ts";
import type { StackContext } from "./stack-context.ts";

export interface ExecOptions {
  readonly service: string;
  /** The replica. */
  readonly index: number;
  readonly command: readonly string[];
  readonly tty: boolean;
  /** Attach stdin (never when detached). */
  readonly interactive: boolean;
  readonly detach: boolean;
  readonly env: readonly string[];
  readonly user?: string;
  readonly workdir?: string;
  readonly privileged: boolean;
}

/** `exec`: runs a command in a running container of the service. Returns its exit code (0 detached). */
export async function exec(s: StackContext, projectName: string, o: ExecOptions, terminal: SessionTerminal): Promise<number> {
  const { client, signal } = s;
  const c = (await projectContainers(client, projectName, { services: [o.service], live: true }, { signal })).find((x) => x.number === o.index && x.state === "running");
  if (c === undefined) throw failedPrecondition(`service "${o.service}" is not running${o.index !== 1 ? ` (replica ${o.index})` : ""}`);
  const stdin = o.interactive && !o.detach;
  const { id } = await client.createExec(
    c.id,
    {
      Cmd: [...o.command],
      AttachStdin: stdin,
      AttachStdout: !o.detach,
      AttachStderr: !o.detach,
      Tty: o.tty,
      Env: [...o.env],
      Privileged: o.privileged,
      ...(o.user !== undefined ? { User: o.user } : {}),
      ...(o.workdir !== undefined ? { WorkingDir: o.workdir } : {}),
    },
    { signal },
  );
  if (o.detach) {
    await client.startExecDetached(id, { signal });
    return 0;
  }
  const session = await client.startExec(id, { tty: o.tty });
  await terminal.connect(session, { tty: o.tty, stdin }, (size) => client.resizeExec(id, size));
  const { exitCode } = await client.inspectExec(id);
  return exitCode ?? 0;
}
