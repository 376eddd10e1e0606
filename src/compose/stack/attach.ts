import { LABEL, projectFilter } from "../labels/index.ts";
import type { Project } from "../model/index.ts";
import { projectContainers } from "../observe/index.ts";
import type { LogConsumer } from "./log-consumer.ts";
import { logs } from "./logs.ts";
import type { StackContext } from "./stack-context.ts";

export interface AttachOptions {
  /** Stop everything when the first container exits. */
  readonly abortOnContainerExit: boolean;
  /** The exit code of this service's container is the result (implies abortOnContainerExit). */
  readonly exitCodeFrom?: string;
  readonly timeoutSeconds?: number;
  readonly timestamps: boolean;
  readonly consumer: LogConsumer;
  /** Aborted (a second Ctrl-C) while the stack stops gracefully: kill it instead. */
  readonly kill?: AbortSignal;
}

/**
 * Attached `up`: streams every service's output until all containers have exited (or, with
 * abortOnContainerExit, the first one). The context's signal (Ctrl-C) stops the stack
 * gracefully; `kill` aborting meanwhile kills it. Returns the exit code: exitCodeFrom's
 * container's, the first non-zero exit with abortOnContainerExit, 130 after an interrupt, else 0.
 * `since` (unix seconds) replays the exits and output since the plan started.
 */
export async function attachToStack(s: StackContext, project: Project, services: readonly string[], since: number, o: AttachOptions): Promise<number> {
  const { client } = s;
  const follow = new AbortController();
  const done = new AbortController();
  const exitCodes = new Map<string, number>();
  let firstExit: number | undefined;

  const logsDone = logs({ client, signal: follow.signal }, project.name, { services, follow: true, since, timestamps: o.timestamps }, o.consumer);

  // Exits come from the engine's `die` events; after each, the stack is done when nothing of it still runs.
  // `since` replays exits that happened before this subscription (a container that ended at once).
  const events = client.events({ filters: { type: ["container"], event: ["die"], label: [projectFilter(project.name)] }, since, signal: done.signal });
  const watcher = (async () => {
    for await (const e of events) {
      const service = e.attributes[LABEL.service] ?? "";
      if (!services.includes(service) || e.attributes[LABEL.oneoff] === "True") continue;
      const code = Number(e.attributes["exitCode"] ?? "0");
      exitCodes.set(service, code);
      firstExit ??= code;
      // compose names the container without its project: `web-1 exited with code 3`.
      const number = e.attributes[LABEL.containerNumber];
      o.consumer.exited?.(number !== undefined ? `${service}-${number}` : (e.attributes["name"] ?? service), code);
      if (o.abortOnContainerExit) break;
      if ((await projectContainers(client, project.name, { services, live: true })).every((c) => c.state !== "running" && c.state !== "restarting")) break;
    }
  })();
  const interrupt = new Promise<void>((resolve) => {
    if (s.signal.aborted) resolve();
    s.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await Promise.race([watcher, interrupt]);
  const interrupted = s.signal.aborted;
  done.abort();

  if (interrupted || o.abortOnContainerExit) {
    if (interrupted) s.reporter.status("Gracefully stopping... (press Ctrl+C again to force)");
    await stopAll(s, project.name, services, o);
  }
  follow.abort();
  await logsDone.catch(() => {});
  if (interrupted) return 130;
  if (o.exitCodeFrom !== undefined) {
    // A service the abort stopped has no exit of its own above: its code is the stop's (143, 137),
    // as docker compose reports it.
    return exitCodes.get(o.exitCodeFrom) ?? (await lastExitCode(s, project.name, o.exitCodeFrom));
  }
  return o.abortOnContainerExit ? (firstExit ?? 0) : 0;
}

// Stops the attached services' containers in parallel with progress; `kill` aborting kills them.
async function stopAll(s: StackContext, projectName: string, services: readonly string[], o: AttachOptions): Promise<void> {
  const containers = (await projectContainers(s.client, projectName, { services, live: true })).filter((c) => c.state === "running" || c.state === "paused" || c.state === "restarting");
  const display = s.reporter.progress("Stopping");
  const kill = () => {
    s.reporter.status("Killing...");
    for (const c of containers) s.client.killContainer(c.id).catch(() => {});
  };
  if (o.kill?.aborted === true) kill();
  else o.kill?.addEventListener("abort", kill, { once: true });
  try {
    await Promise.all(
      containers.map(async (c, i) => {
        const ev = (status: "working" | "done" | "error", detail?: string) =>
          display.sink({ nodeId: i + 1, resource: c.name, action: "stop-container", status, ...(detail !== undefined ? { detail } : {}) });
        ev("working");
        try {
          await s.client.stopContainer(c.id, o.timeoutSeconds !== undefined ? { timeoutSeconds: o.timeoutSeconds } : {});
          ev("done");
        } catch (err) {
          ev("error", (err as Error).message);
        }
      }),
    );
  } finally {
    o.kill?.removeEventListener("abort", kill);
    display.close();
  }
}

// The exit code of a service's stopped container; 0 while it still runs or when it has none.
async function lastExitCode(s: StackContext, projectName: string, service: string): Promise<number> {
  for (const c of await projectContainers(s.client, projectName, { services: [service] })) {
    if (c.state === "running" || c.state === "restarting" || c.state === "paused") continue;
    const info = await s.client.inspectContainer(c.id).catch(() => undefined);
    if (info !== undefined) return info.state.exitCode;
  }
  return 0;
}
