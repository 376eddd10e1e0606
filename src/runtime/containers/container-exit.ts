import { rm } from "node:fs/promises";
import { readOomKills } from "../cgroups/cgroup-stats.ts";
import { containerCgroupsPath } from "./container-cgroup.ts";
import { emitContainerEvent } from "./container-events.ts";
import type { ContainerRecord, ContainerState } from "./container-record.ts";
import type { ContainerEngineDeps, HealthControl } from "./engine-deps.ts";
import type { Mounter } from "./mounter.ts";
import type { ExitInfo, NetworkPort, ShimPort } from "./ports.ts";
import { shouldRestart } from "./restart-policy.ts";
import type { OciRuntime } from "./runc.ts";

// A container's process exited (its shim wrote the exit file): the exit is recorded, the
// runtime's state, the rootfs and the network are released, and the restart policy decides
// whether it comes back (after a backoff) or, with auto-remove, goes.

export interface ExitDeps extends Pick<ContainerEngineDeps, "paths" | "store" | "events" | "cgroups" | "log"> {
  readonly shim: Pick<ShimPort, "readExit">;
  readonly runtime: Pick<OciRuntime, "deleteStopped">;
  readonly mounter: Pick<Mounter, "unmount">;
  readonly network: Pick<NetworkPort, "tearDown">;
  readonly health: Pick<HealthControl, "stop">;
  /** The restart policy's next delay for this container, after a run of `ranForMs`. */
  restartDelay(id: string, ranForMs: number): number;
  scheduleRestart(id: string, ms: number): void;
  /** `--rm`: removes the container and its anonymous volumes, after the exit is recorded. */
  autoRemove(id: string): void;
}

/** The state after an exit: not running, nothing attached, the health check failed. Pure. */
export function exitedState(state: ContainerState, exit: ExitInfo, o: { readonly restart: boolean; readonly oomKilled: boolean }): ContainerState {
  const { netnsPath: _gone, pidStartTime: _pid, ...rest } = state;
  return {
    ...rest,
    status: o.restart ? "restarting" : "exited",
    pid: 0,
    shimPid: 0,
    exitCode: exit.exitCode,
    finishedAt: exit.exitedAt,
    oomKilled: o.oomKilled,
    endpoints: [],
    ports: [],
    rootfsMounted: false,
    ...(state.health ? { health: { ...state.health, status: "unhealthy" as const } } : {}),
  };
}

export async function handleContainerExit(d: ExitDeps, id: string): Promise<void> {
  const p = d.paths.container(id);
  if (!d.store.find(id)) {
    await rm(p.exitFile, { force: true });
    return;
  }
  await d.store.locked(id, async () => {
    const rec = d.store.find(id);
    // An exit file of a start that failed and was rolled back: nothing left to record.
    if (!rec || (rec.state.status !== "running" && rec.state.status !== "paused")) {
      await rm(p.exitFile, { force: true });
      return;
    }
    const exit = await d.shim.readExit(p.exitFile);
    if (!exit) return; // not exited after all
    d.health.stop(id);
    // Only a SIGKILLed process can have been the OOM killer's; its cgroup goes with runc delete.
    const oomKills = exit.exitCode === 137 ? await readOomKills(d.cgroups.fs, d.cgroups.layout, containerCgroupsPath(id)).catch(() => 0) : 0;
    const oomKilled = oomKills > 0;
    await release(d, rec);
    await rm(p.exitFile, { force: true });
    const restart = shouldRestart(rec.config.restartPolicy, {
      exitCode: exit.exitCode,
      explicitlyStopped: rec.state.explicitlyStopped,
      restartCount: rec.state.restartCount,
    });
    const saved = await d.store.save({ ...rec, state: exitedState(rec.state, exit, { restart, oomKilled }) });
    if (oomKilled) emitContainerEvent(d.events, saved, "oom");
    emitContainerEvent(d.events, saved, "die", { exitCode: String(exit.exitCode) });
    if (restart) {
      const ranFor = Date.parse(exit.exitedAt) - Date.parse(rec.state.startedAt);
      d.scheduleRestart(id, d.restartDelay(id, Number.isFinite(ranFor) ? ranFor : 0));
    } else if (saved.config.autoRemove) {
      d.autoRemove(id);
    }
  });
}

// Independent releases, side by side: the runtime's state, the rootfs, the network.
async function release(d: ExitDeps, rec: ContainerRecord): Promise<void> {
  const { id } = rec;
  const rootfs = d.paths.container(id).rootfs;
  await Promise.all([
    d.runtime.deleteStopped(id).catch((err) => d.log("warn", `runc delete ${id}: ${String(err)}`)),
    d.mounter.unmount(rootfs).catch((err) => d.log("warn", `unmount ${rootfs}: ${String(err)}`)),
    d.network.tearDown(rec).catch((err) => d.log("warn", `network teardown ${id}: ${String(err)}`)),
  ]);
}
