import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { conflict } from "../../common/errors.ts";
import { readCgroupStats, type CgroupStats } from "../cgroups/cgroup-stats.ts";
import type { LogEntry, ReadLogsOptions } from "../logs/log-reader.ts";
import type { OciSpec } from "../spec/index.ts";
import type { FsChange } from "../snapshot/index.ts";
import { adoptContainers, type AdoptDeps } from "./adopt-containers.ts";
import { containerCgroupsPath } from "./container-cgroup.ts";
import { diffIgnoredPaths } from "./container-diff.ts";
import { emitContainerEvent } from "./container-events.ts";
import { handleContainerExit, type ExitDeps } from "./container-exit.ts";
import { containerLogs } from "./container-logs.ts";
import { normalizeContainerName } from "./container-names.ts";
import { connectContainer, disconnectContainer, type NetworkLinkDeps } from "./container-networks.ts";
import type { ContainerRecord, EndpointRequest } from "./container-record.ts";
import { imageInUse, volumeInUse } from "./container-usage.ts";
import { createContainer, type CreateContainerRequest, type CreateDeps } from "./create-container.ts";
import type { ContainerEngineDeps } from "./engine-deps.ts";
import { ExecManager, type ExecInfo, type ExecRequest } from "./exec-manager.ts";
import { HealthMonitor } from "./health-monitor.ts";
import { pauseContainer, unpauseContainer, type PauseDeps } from "./pause-container.ts";
import type { AttachHandle } from "./ports.ts";
import { procSignaller } from "./process-signal.ts";
import { recordHealth } from "./record-health.ts";
import { removeContainer, type RemoveDeps, type RemoveOptions } from "./remove-container.ts";
import { RestartScheduler } from "./restart-scheduler.ts";
import { restartByPolicy, startContainer, type StartDeps } from "./start-container.ts";
import { killContainer, stopContainer, type StopDeps, type StopResult } from "./stop-container.ts";
import { waitContainer, type WaitCondition } from "./wait-container.ts";


/** Everything the lifecycle steps are given: the engine's seams, its parts, and the steps they call back. */
type Parts = CreateDeps & StartDeps & StopDeps & PauseDeps & ExitDeps & AdoptDeps & RemoveDeps & NetworkLinkDeps;

/**
 * Containers on runc: create, start, stop, kill, restart, pause, remove, wait, rename,
 * logs, stats, exec, attach; restart policies and healthchecks. A facade: each operation is a
 * module of its own (create-container.ts, start-container.ts, stop-container.ts, …) over the
 * seams in ContainerEngineDeps. A per-container lock serialises lifecycle changes; exits are
 * noticed through the shims' exit files, so they are handled the same way whether the engine
 * saw the container start or adopted it. Lifecycle: `adopt()` once at engine start, then
 * `handleExit` for each exit file; `shutdown()` stops timers and probes, never containers.
 */
export class ContainerEngine {
  readonly execs: ExecManager;
  private readonly health: HealthMonitor;
  private readonly restarts = new RestartScheduler();
  private readonly parts: Parts;

  constructor(private readonly d: ContainerEngineDeps) {
    this.health = new HealthMonitor({
      runtime: d.runtime,
      bundleOf: (id) => d.paths.container(id).bundle,
      now: d.now,
      onResult: (id, update) => recordHealth(d, id, update),
    });
    this.execs = new ExecManager({ paths: d.paths, shim: d.shim, store: d.store, events: d.events, randomId: d.randomId, now: d.now });
    const restarts = this.restarts;
    const parts: Parts = {
      ...d,
      signaller: d.signaller ?? procSignaller(),
      health: this.health,
      execs: this.execs,
      restarts,
      restartDelay: (id, ranForMs) => restarts.nextDelay(id, ranForMs),
      scheduleRestart: (id, ms) =>
        restarts.schedule(id, ms, () => void restartByPolicy(parts, id).catch((err) => d.log("error", `restarting ${id}: ${String(err)}`))),
      autoRemove: (id) => queueMicrotask(() => void this.remove(id, { volumes: true }).catch(() => undefined)),
      handleExit: (id) => this.handleExit(id),
      remove: (id, opts) => this.remove(id, opts),
      stop: (id, timeoutSeconds) => this.stop(id, timeoutSeconds),
    };
    this.parts = parts;
  }

  list(): readonly ContainerRecord[] {
    return this.d.store.list();
  }

  get(idOrName: string): ContainerRecord {
    return this.d.store.get(idOrName);
  }

  create(req: CreateContainerRequest): Promise<ContainerRecord> {
    return createContainer(this.parts, req);
  }

  start(idOrName: string): Promise<{ alreadyRunning: boolean }> {
    return startContainer(this.parts, idOrName);
  }

  /** Sends the stop signal, waits the grace period, then SIGKILL. */
  stop(idOrName: string, timeoutSeconds?: number): Promise<StopResult> {
    return stopContainer(this.parts, idOrName, timeoutSeconds);
  }

  kill(idOrName: string, sig = "SIGKILL"): Promise<void> {
    return killContainer(this.parts, idOrName, sig);
  }

  async restart(idOrName: string, timeoutSeconds?: number): Promise<void> {
    await this.stop(idOrName, timeoutSeconds);
    await this.start(idOrName);
  }

  pause(idOrName: string): Promise<void> {
    return pauseContainer(this.parts, idOrName);
  }

  unpause(idOrName: string): Promise<void> {
    return unpauseContainer(this.parts, idOrName);
  }

  async rename(idOrName: string, newName: string): Promise<void> {
    const name = normalizeContainerName(newName);
    const rec = this.get(idOrName);
    if (this.d.store.nameTaken(name)) throw conflict(`the container name "/${name}" is already in use`);
    const saved = await this.d.store.update(rec.id, (r) => ({ ...r, name }));
    emitContainerEvent(this.d.events, saved, "rename", { oldName: `/${rec.name}` });
  }

  remove(idOrName: string, opts: RemoveOptions = {}): Promise<void> {
    return removeContainer(this.parts, idOrName, opts);
  }

  /** Docker's network connect: at once for a running container, else from its next start. */
  connect(idOrName: string, network: string, req: EndpointRequest = {}): Promise<void> {
    return connectContainer(this.parts, idOrName, network, req);
  }

  disconnect(idOrName: string, network: string): Promise<void> {
    return disconnectContainer(this.parts, idOrName, network);
  }

  volumeInUse(name: string): boolean {
    return volumeInUse(this.d.store.list(), name);
  }

  imageInUse(imageId: string): boolean {
    return imageInUse(this.d.store.list(), imageId);
  }

  /** Resolves with the exit code once the condition holds. */
  wait(idOrName: string, condition: WaitCondition = "not-running", signal?: AbortSignal): Promise<{ exitCode: number; error?: string }> {
    return waitContainer(this.d, idOrName, condition, signal);
  }

  /**
   * The container's process exited (its shim wrote the exit file). Records the exit,
   * releases the rootfs and network, and applies the restart policy.
   */
  handleExit(id: string): Promise<void> {
    return handleContainerExit(this.parts, id);
  }

  /**
   * At engine start: containers whose shims still run are adopted as they are; exits that
   * happened while the engine was away are recorded (and restart policies applied);
   * containers of a restart policy that were not stopped by the user come back.
   */
  adopt(): Promise<void> {
    return adoptContainers(this.parts);
  }

  logs(idOrName: string, opts: Omit<ReadLogsOptions, "isDone" | "endNs"> = {}): AsyncGenerator<LogEntry> {
    return containerLogs(this.d, idOrName, opts);
  }

  async stats(idOrName: string): Promise<CgroupStats> {
    const rec = this.get(idOrName);
    return readCgroupStats(this.d.cgroups.fs, this.d.cgroups.layout, containerCgroupsPath(rec.id));
  }

  async top(idOrName: string): Promise<readonly number[]> {
    const rec = this.runningRecord(idOrName, { paused: true });
    return this.d.runtime.ps(rec.id);
  }

  /** `docker diff`: what the container's writable layer changed in its image's filesystem. */
  async changes(idOrName: string): Promise<readonly FsChange[]> {
    const rec = this.get(idOrName);
    return this.d.snapshots.changes(rec.id, { ignore: diffIgnoredPaths(rec) });
  }

  /** Where the container's writable layer lives (inspect's GraphDriver). */
  layerDirs(id: string): { readonly upper: string; readonly work: string } {
    return this.d.snapshots.activeDirs(id);
  }

  async attach(idOrName: string): Promise<AttachHandle> {
    const rec = this.runningRecord(idOrName, { paused: true });
    return this.d.shim.attach(this.d.paths.container(rec.id).shimState);
  }

  async createExec(idOrName: string, req: ExecRequest): Promise<string> {
    const rec = this.runningRecord(idOrName, { paused: false });
    return this.execs.create(rec, req);
  }

  inspectExec(execId: string): Promise<ExecInfo> {
    return this.execs.inspect(execId);
  }

  /** The spec the container runs with (for exec and healthchecks: same env, user, caps). */
  async runningSpec(id: string): Promise<OciSpec> {
    return JSON.parse(await readFile(join(this.d.paths.container(id).bundle, "config.json"), "utf8")) as OciSpec;
  }

  async shutdown(): Promise<void> {
    this.restarts.cancelAll();
    this.health.stopAll();
  }

  private runningRecord(idOrName: string, o: { readonly paused: boolean }): ContainerRecord {
    const rec = this.get(idOrName);
    const ok = rec.state.status === "running" || (o.paused && rec.state.status === "paused");
    if (!ok) throw conflict(`Container ${rec.id} is not running`);
    return rec;
  }
}
