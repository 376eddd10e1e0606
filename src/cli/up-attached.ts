import { LABEL, projectFilter } from "../compose/labels/index.ts";
import type { Project } from "../compose/model/index.ts";
import type { ProgressEvent } from "../compose/execute/index.ts";
import { ExitStatus } from "./cli-errors.ts";
import { listProjectContainers } from "./containers.ts";
import type { CommandContext } from "./context.ts";
import type { EngineConnection } from "./engine-connection.ts";
import { colorFor, formatLogLine } from "./logs/log-format.ts";
import { followLogs } from "./logs/log-follower.ts";
import { createProgressRenderer } from "./progress/renderer.ts";

export interface AttachOptions {
  readonly services: readonly string[];
  readonly abortOnContainerExit: boolean;
  readonly exitCodeFrom?: string;
  readonly timeoutSeconds?: number;
  readonly color: boolean;
  readonly logPrefix: boolean;
  readonly timestamps: boolean;
  readonly sinceSeconds: number;
}

/**
 * Attached `up`: prints every service's output with coloured `web-1  | ` prefixes, until all
 * containers have exited (or, with --abort-on-container-exit, the first one). Ctrl-C stops the
 * stack gracefully; a second Ctrl-C kills it. Exit code: --exit-code-from's container, 130 after
 * Ctrl-C, else 0.
 */
export async function attachToStack(ctx: CommandContext, conn: EngineConnection, project: Project, o: AttachOptions): Promise<void> {
  const names = [...o.services].sort();
  const width = Math.max(...(await listProjectContainers(conn.docker, project.name, { services: o.services })).map((c) => `${c.service}-${c.number}`.length), 0);
  const color = o.color && ctx.color;
  const logs = new AbortController();
  const done = new AbortController();
  const exitCodes = new Map<string, number>();
  let firstExit: number | undefined;
  let interrupted = false;

  const logsDone = followLogs(
    conn.docker,
    (line) => {
      const c = color ? colorFor(names.indexOf(line.service)) : undefined;
      ctx.out(formatLogLine(line, { prefix: o.logPrefix, width, ...(c !== undefined ? { color: c } : {}) }));
    },
    { projectName: project.name, services: o.services, follow: true, since: o.sinceSeconds, timestamps: o.timestamps, signal: logs.signal },
  );

  // Exits come from the engine's `die` events; after each, the stack is done when nothing of it still runs.
  // `since` replays exits that happened before this subscription (a container that ended at once).
  const events = conn.client.events({ filters: { type: ["container"], event: ["die"], label: [projectFilter(project.name)] }, since: o.sinceSeconds, signal: done.signal });
  const watcher = (async () => {
    for await (const e of events) {
      const service = e.attributes[LABEL.service] ?? "";
      if (!o.services.includes(service) || e.attributes[LABEL.oneoff] === "True") continue;
      const code = Number(e.attributes["exitCode"] ?? "0");
      exitCodes.set(service, code);
      firstExit ??= code;
      // compose names the container without its project: `web-1 exited with code 3`.
      const number = e.attributes[LABEL.containerNumber];
      ctx.out(`${number !== undefined ? `${service}-${number}` : (e.attributes["name"] ?? service)} exited with code ${code}`);
      if (o.abortOnContainerExit) break;
      const running = (await listProjectContainers(conn.docker, project.name, { services: o.services, all: false })).filter((c) => c.state === "running" || c.state === "restarting");
      if (running.length === 0) break;
    }
  })();
  const interrupt = new Promise<void>((resolve) => {
    if (ctx.io.interrupt.signal.aborted) resolve();
    ctx.io.interrupt.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await Promise.race([watcher, interrupt]);
  interrupted = ctx.io.interrupt.signal.aborted;
  done.abort();

  if (interrupted || o.abortOnContainerExit) {
    if (interrupted) ctx.err("Gracefully stopping... (press Ctrl+C again to force)");
    await stopAll(ctx, conn, project.name, o);
  }
  logs.abort();
  await logsDone.catch(() => {});
  if (interrupted) throw new ExitStatus(130);
  if (o.exitCodeFrom !== undefined) {
    // A service the abort stopped has no exit of its own above: its code is the stop's (143, 137),
    // as docker compose reports it.
    const code = exitCodes.get(o.exitCodeFrom) ?? (await lastExitCode(conn, project.name, o.exitCodeFrom));
    if (code !== 0) throw new ExitStatus(code);
  } else if (o.abortOnContainerExit && firstExit !== undefined && firstExit !== 0) {
    throw new ExitStatus(firstExit);
  }
}

// Stops the attached services' containers in parallel with progress; a further Ctrl-C kills them.
async function stopAll(ctx: CommandContext, conn: EngineConnection, projectName: string, o: AttachOptions): Promise<void> {
  const containers = (await listProjectContainers(conn.docker, projectName, { services: o.services, all: false })).filter((c) => c.state === "running" || c.state === "paused" || c.state === "restarting");
  const renderer = createProgressRenderer({ mode: ctx.global.progress, stream: ctx.io.stderr, color: ctx.color, now: ctx.io.now, verb: "Stopping" });
  let killing = false;
  ctx.io.interrupt.onRepeat(() => {
    if (killing) return;
    killing = true;
    ctx.err("Killing...");
    for (const c of containers) conn.docker.getContainer(c.id).kill().catch(() => {});
  });
  await Promise.all(
    containers.map(async (c, i) => {
      const ev = (status: ProgressEvent["status"], detail?: string) =>
        renderer.sink({ nodeId: i + 1, resource: c.name, action: "stop-container", status, ...(detail !== undefined ? { detail } : {}) });
      ev("working");
      try {
        await conn.client.stopContainer(c.id, o.timeoutSeconds !== undefined ? { timeoutSeconds: o.timeoutSeconds } : {});
        ev("done");
      } catch (err) {
        ev("error", (err as Error).message);
      }
    }),
  );
  renderer.close();
}

// The exit code of a service's stopped container; 0 while it still runs or when it has none.
async function lastExitCode(conn: EngineConnection, projectName: string, service: string): Promise<number> {
  for (const c of await listProjectContainers(conn.docker, projectName, { services: [service] })) {
    if (c.state === "running" || c.state === "restarting" || c.state === "paused") continue;
    const info = (await conn.docker.getContainer(c.id).inspect().catch(() => undefined)) as { State?: { ExitCode?: number } } | undefined;
    if (info?.State?.ExitCode !== undefined) return info.State.ExitCode;
  }
  return 0;
}
