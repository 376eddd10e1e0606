import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { TstackError } from "../../common/errors.ts";
import type { ImageService } from "../image/image-service.ts";
import { buildSpec, renderHostnameFile, renderHostsFile, serializeSpec } from "../spec/index.ts";
import { containerCgroupsPath } from "./container-cgroup.ts";
import { emitContainerEvent } from "./container-events.ts";
import type { ContainerRecord, ContainerState } from "./container-record.ts";
import type { ContainerEngineDeps, HealthControl } from "./engine-deps.ts";
import { HealthMonitor } from "./health-monitor.ts";
import type { LayerPort, NetworkSetup, ShimPort } from "./ports.ts";
import type { ProcessSignaller } from "./process-signal.ts";
import type { OciRuntime } from "./runc.ts";
import { mkdirInRootfs, readRootfsFile } from "./rootfs-path.ts";
import { startFailureExitCode } from "./start-failure.ts";
import { UndoStack } from "./undo-stack.ts";
import { resolveMounts } from "./volume-mounts.ts";

// Starting a container: its rootfs mounted, its volumes resolved, its network set up, its
// /etc files and OCI spec written, then a shim that creates and starts it with the runtime.
// Each step that made something pushes its undo, so a failed start leaves nothing behind and
// records why (the error and an exit code as Docker's) on the container.

export interface StartDeps
  extends Pick<ContainerEngineDeps, "paths" | "store" | "volumes" | "network" | "mounter" | "runner" | "events" | "host" | "initBinary" | "now" | "log"> {
  readonly images: Pick<ImageService, "get" | "ensureSnapshots">;
  readonly snapshots: Pick<LayerPort, "mounts">;
  readonly runtime: Pick<OciRuntime, "delete">;
  readonly shim: Pick<ShimPort, "create">;
  readonly signaller: Pick<ProcessSignaller, "startTime">;
  readonly health: Pick<HealthControl, "start">;
  /** Pending restarts of the restart policy: an explicit start replaces them. */
  readonly restarts: { cancel(id: string): void };
}

/** `docker start`: a container already running (or paused) is left as it is. */
export async function startContainer(d: StartDeps, idOrName: string): Promise<{ alreadyRunning: boolean }> {
  const rec0 = d.store.get(idOrName);
  return d.store.locked(rec0.id, async () => {
    const rec = d.store.get(rec0.id);
    if (rec.state.status === "running" || rec.state.status === "paused") return { alreadyRunning: true };
    d.restarts.cancel(rec.id);
    const started = await launchContainer(d, { ...rec, state: { ...rec.state, explicitlyStopped: false } });
    emitContainerEvent(d.events, started, "start");
    return { alreadyRunning: false };
  });
}

/** The restart policy's timer fired: start a container still waiting to restart, counting it. */
export async function restartByPolicy(d: StartDeps, id: string): Promise<void> {
  await d.store.locked(id, async () => {
    const rec = d.store.find(id);
    if (!rec || rec.state.status !== "restarting") return;
    const counted = { ...rec, state: { ...rec.state, restartCount: rec.state.restartCount + 1 } };
    const started = await launchContainer(d, counted);
    emitContainerEvent(d.events, started, "start");
  });
}

/** /etc/hosts of a container: its own names and addresses, then what its networks add. Pure. */
export function hostsFileText(rec: ContainerRecord, hostname: string, net: Pick<NetworkSetup, "endpoints" | "hostsEntries">): string {
  const hosts = renderHostsFile({
    hostname,
    ...(rec.config.options.domainname ? { domainname: rec.config.options.domainname } : {}),
    addresses: net.endpoints.map((e) => e.ip),
    ...(rec.config.options.extraHosts ? { extraHosts: rec.config.options.extraHosts } : {}),
  });
  const extra = net.hostsEntries.map((h) => `${h.ip}\t${h.names.join(" ")}`).join("\n");
  return extra ? `${hosts}${extra}\n` : hosts;
}

/** The state of a container whose start failed: the error, and the exit code Docker gives it. Pure. */
export function failedStartState(state: ContainerState, message: string): ContainerState {
  return {
    ...state,
    status: state.status === "restarting" ? "exited" : state.status,
    error: message,
    exitCode: startFailureExitCode(message),
    rootfsMounted: false,
    pid: 0,
  };
}

/** Starts `rec` as it is; the caller holds the container's lock and emits "start". */
export async function launchContainer(d: StartDeps, rec: ContainerRecord): Promise<ContainerRecord> {
  const p = d.paths.container(rec.id);
  const undo = new UndoStack();
  try {
    const image = await d.images.get(rec.config.imageId);
    // Layers removed behind the snapshotter's back are unpacked again.
    await d.images.ensureSnapshots(image.id);
    await mkdir(p.rootfs, { recursive: true });
    await d.mounter.mount(await d.snapshots.mounts(rec.id), p.rootfs);
    undo.push("unmount rootfs", () => d.mounter.unmount(p.rootfs));
    const { mounts } = await resolveMounts(rec.config.mounts, { volumes: d.volumes, runner: d.runner, rootfs: p.rootfs });
    const net = await d.network.setUp(rec, { netnsOf: (key) => d.store.find(key)?.state.netnsPath });
    undo.push("network", () =>
      d.network.tearDown({ ...rec, state: { ...rec.state, netnsPath: net.netnsPath ?? "", endpoints: net.endpoints, ports: net.ports } }),
    );
    const hostname = rec.config.options.hostname || rec.id.slice(0, 12);
    await writeFile(p.hosts, hostsFileText(rec, hostname, net));
    await writeFile(p.resolvConf, net.resolvConf);
    await writeFile(p.hostname, renderHostnameFile(hostname));
    const passwd = await readRootfsFile(p.rootfs, "/etc/passwd");
    const group = await readRootfsFile(p.rootfs, "/etc/group");
    const built = buildSpec({
      containerId: rec.id,
      image: image.config.config ?? {},
      options: {
        ...rec.config.options,
        mounts,
        network: net.network,
        ...(rec.config.init && d.initBinary ? { init: d.initBinary } : {}),
      },
      rootfsFiles: { ...(passwd !== undefined ? { passwd } : {}), ...(group !== undefined ? { group } : {}) },
      host: d.host,
      rootfsPath: p.rootfs,
      files: { hosts: p.hosts, resolvConf: p.resolvConf, hostname: p.hostname },
      cgroupsPath: containerCgroupsPath(rec.id),
    });
    for (const w of built.warnings) d.log("warn", `container ${rec.name}: ${w}`);
    for (const dir of built.mkdirs) await mkdirInRootfs(p.rootfs, dir);
    await writeFile(join(p.bundle, "config.json"), serializeSpec(built.spec));
    await rm(p.exitFile, { force: true });
    await mkdir(d.paths.exits, { recursive: true });
    await mkdir(p.shimState, { recursive: true });
    const { pid, shimPid } = await d.shim.create({
      id: rec.id,
      bundle: p.bundle,
      stateDir: p.shimState,
      exitFile: p.exitFile,
      logPath: p.log,
      ...(rec.config.log.maxSize ? { logMaxSize: rec.config.log.maxSize } : {}),
      ...(rec.config.log.maxFiles ? { logMaxFiles: rec.config.log.maxFiles } : {}),
      tty: rec.config.options.tty ?? false,
      stdin: rec.config.options.openStdin ?? false,
      start: true,
    });
    undo.push("runtime container", () => d.runtime.delete(rec.id, true));
    const pidStartTime = await d.signaller.startTime(pid);
    const health = HealthMonitor.config(image.config.config?.Healthcheck, rec.config.healthcheck);
    const { pidStartTime: _old, ...prev } = rec.state;
    const state: ContainerState = {
      ...prev,
      status: "running",
      pid,
      ...(pidStartTime !== undefined ? { pidStartTime } : {}),
      shimPid,
      startedAt: d.now().toISOString(),
      exitCode: 0,
      oomKilled: false,
      error: "",
      ...(net.netnsPath ? { netnsPath: net.netnsPath } : {}),
      endpoints: net.endpoints,
      ports: net.ports,
      rootfsMounted: true,
      ...(health ? { health: { status: "starting", failingStreak: 0, log: [] } } : {}),
    };
    const saved = await d.store.save({ ...rec, state });
    if (health) d.health.start(saved.id, health);
    return saved;
  } catch (err) {
    const problems = await undo.unwind();
    for (const pr of problems) d.log("error", `container ${rec.name}: cleaning up a failed start: ${pr}`);
    const message = err instanceof Error ? err.message : String(err);
    await d.store.save({ ...rec, state: failedStartState(rec.state, message) }).catch(() => undefined);
    throw err instanceof TstackError ? err : new TstackError("Internal", `starting container ${rec.name}: ${message}`, { cause: err });
  }
}
