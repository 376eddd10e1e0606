import { mkdir, rm, writeFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { conflict, failedPrecondition, isKind, notFound, TstackError } from "../../common/errors.ts";
import { pathExists } from "../../common/path-exists.ts";
import { readCgroupStats, readOomKills, type CgroupStats } from "../cgroups/cgroup-stats.ts";
import type { CgroupFs, CgroupLayout } from "../cgroups/cgroup-layout.ts";
import type { EnginePaths } from "../engine-paths.ts";
import type { EngineEvent, EventBus } from "../events/event-bus.ts";
import type { ImageService } from "../image/image-service.ts";
import { readLogs, type LogEntry, type ReadLogsOptions } from "../logs/log-reader.ts";
import { parseTimeNs } from "../logs/log-time.ts";
import { buildSpec, INIT_PATH_IN_CONTAINER, parseSignal, renderHostnameFile, renderHostsFile, serializeSpec } from "../spec/index.ts";
import type { HostFacts, ImageHealthcheck, ContainerCreateOptions, OciSpec } from "../spec/index.ts";
import type { VolumeStore } from "../volumes/volume-store.ts";
import type { FsChange } from "../snapshot/index.ts";
import {
  initialState,
  ZERO_TIME,
  type ContainerConfig,
  type ContainerNetworking,
  type ContainerRecord,
  type ContainerState,
  type LogConfig,
  type MountRequest,
  type EndpointRequest,
} from "./container-record.ts";
import { generateName, normalizeContainerName } from "./container-names.ts";
import type { ContainerStore } from "./container-store.ts";
import { HealthMonitor } from "./health-monitor.ts";
import type { Mounter } from "./mounter.ts";
import type { AttachHandle, LayerPort, NetworkPort, ShimPort } from "./ports.ts";
import { nextRestartDelay, shouldRestart, type RestartPolicy } from "./restart-policy.ts";
import { mkdirInRootfs, readRootfsFile } from "./rootfs-path.ts";
import type { OciRuntime } from "./runc.ts";
import { startFailureExitCode } from "./start-failure.ts";
import { UndoStack } from "./undo-stack.ts";
import { resolveMounts } from "./volume-mounts.ts";
import { ExecManager, type ExecRequest, type ExecInfo } from "./exec-manager.ts";
import { procSignaller, type ProcessSignaller } from "./process-signal.ts";

export interface CreateContainerRequest {
  readonly name?: string;
  readonly image: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly options?: Omit<ContainerCreateOptions, "mounts" | "init" | "network">;
  readonly init?: boolean;
  readonly mounts?: readonly MountRequest[];
  readonly networking?: Partial<ContainerNetworking>;
  readonly restartPolicy?: RestartPolicy;
  readonly healthcheck?: ImageHealthcheck;
  readonly log?: LogConfig;
  readonly stopTimeoutSeconds?: number;
  readonly autoRemove?: boolean;
}

export interface StopResult {
  /** The container ignored its stop signal for the whole grace period and was killed. */
  readonly escalated: boolean;
  readonly alreadyStopped: boolean;
}

export type WaitCondition = "not-running" | "next-exit" | "removed";

export interface ContainerEngineDeps {
  readonly paths: EnginePaths;
  readonly store: ContainerStore;
  readonly images: ImageService;
  readonly snapshots: LayerPort;
  readonly volumes: VolumeStore;
  readonly network: NetworkPort;
  readonly runtime: OciRuntime;
  readonly shim: ShimPort;
  readonly mounter: Mounter;
  readonly events: EventBus;
  readonly host: HostFacts;
  readonly cgroups: { readonly layout: CgroupLayout; readonly fs: CgroupFs };
  /** Signals init processes without a runtime process (default: through /proc and kill(2)). */
  readonly signaller?: ProcessSignaller;
  /** Host path of the tiny init for `init: true` (Debian's tini). */
  readonly initBinary?: string;
  readonly now: () => Date;
  readonly randomId: () => string;
  readonly random: () => number;
  readonly log: (level: "debug" | "info" | "warn" | "error", msg: string) => void;
}

const DEFAULT_STOP_TIMEOUT_S = 10;

/**
 * Containers on runc: create, start, stop, kill, restart, pause, remove, wait, rename,
 * logs, stats, exec, attach; restart policies and healthchecks. A per-container lock
 * serialises lifecycle changes; exits are noticed through the shims' exit files, so they
 * are handled the same way whether the engine saw the container start or adopted it.
 */
export class ContainerEngine {
  private readonly restartTimers = new Map<string, NodeJS.Timeout>();
  private readonly restartDelays = new Map<string, number>();
  private readonly health: HealthMonitor;
  private readonly signaller: ProcessSignaller;
  readonly execs: ExecManager;

  constructor(private readonly d: ContainerEngineDeps) {
    this.signaller = d.signaller ?? procSignaller();
    this.health = new HealthMonitor({
      runtime: d.runtime,
      bundleOf: (id) => d.paths.container(id).bundle,
      now: d.now,
      onResult: (id, update) => this.recordHealth(id, update),
    });
    this.execs = new ExecManager({
      paths: d.paths,
      shim: d.shim,
      store: d.store,
      events: d.events,
      randomId: d.randomId,
      now: d.now,
    });
  }

  list(): readonly ContainerRecord[] {
    return this.d.store.list();
  }

  get(idOrName: string): ContainerRecord {
    return this.d.store.get(idOrName);
  }

  private cgroupsPath(id: string): string {
    return `/tstack-${id}`;
  }

  private emit(rec: ContainerRecord, action: string, extra: Record<string, string> = {}): EngineEvent {
    return this.d.events.emit({
      type: "container",
      action,
      id: rec.id,
      attributes: { ...rec.config.labels, name: rec.name, image: rec.config.image, ...extra },
    });
  }

  async create(req: CreateContainerRequest): Promise<ContainerRecord> {
    const image = await this.d.images.find(req.image);
    if (!image) throw notFound(`No such image: ${req.image}`);
    const id = this.d.randomId();
    const name = req.name
      ? normalizeContainerName(req.name)
      : generateName(this.d.random, (n) => this.d.store.nameTaken(n));
    const mounts: MountRequest[] = [];
    const anonymous: string[] = [];
    for (const m of req.mounts ?? []) {
      if (m.type === "volume" && !m.name) {
        const { volume } = await this.d.volumes.create({ anonymous: true });
        anonymous.push(volume.name);
        mounts.push({ ...m, name: volume.name });
      } else mounts.push(m);
    }
    // The image's VOLUMEs not covered by a mount get anonymous volumes, as in Docker.
    for (const target of Object.keys(image.config.config?.Volumes ?? {})) {
      if (mounts.some((m) => m.target === target)) continue;
      const { volume } = await this.d.volumes.create({ anonymous: true });
      anonymous.push(volume.name);
      mounts.push({ type: "volume", name: volume.name, target });
    }
    const networking: ContainerNetworking = {
      mode: req.networking?.mode ?? { kind: "bridge" },
      networks: req.networking?.networks ?? {},
      portBindings: req.networking?.portBindings ?? [],
      exposedPorts: req.networking?.exposedPorts ?? [],
      ...(req.networking?.dns ? { dns: req.networking.dns } : {}),
      ...(req.networking?.dnsSearch ? { dnsSearch: req.networking.dnsSearch } : {}),
      ...(req.networking?.dnsOptions ? { dnsOptions: req.networking.dnsOptions } : {}),
      ...(req.networking?.links ? { links: req.networking.links } : {}),
      ...(req.networking?.publishAllPorts ? { publishAllPorts: true } : {}),
    };
    const config: ContainerConfig = {
      image: req.image,
      imageId: image.id,
      labels: req.labels ?? {},
      options: req.options ?? {},
      init: req.init ?? false,
      mounts,
      networking,
      restartPolicy: req.restartPolicy ?? { name: "no" },
      ...(req.healthcheck ? { healthcheck: req.healthcheck } : {}),
      log: req.log ?? {},
      ...(req.stopTimeoutSeconds !== undefined ? { stopTimeoutSeconds: req.stopTimeoutSeconds } : {}),
      autoRemove: req.autoRemove ?? false,
    };
    if (config.init && !this.d.initBinary) throw failedPrecondition("init: true needs tini (apt-get install tini)");
    const rec: ContainerRecord = {
      id,
      name,
      createdAt: this.d.now().toISOString(),
      config,
      state: initialState(),
      anonymousVolumes: anonymous,
    };
    let prepared = false;
    try {
      await this.d.store.add(rec);
      const chain = await this.d.images.ensureSnapshots(image.id);
      await this.d.snapshots.prepare(id, chain.at(-1));
      prepared = true;
    } catch (err) {
      if (prepared) await this.d.snapshots.remove(id).catch(() => undefined);
      await this.d.store.delete(id).catch(() => undefined);
      for (const v of anonymous) await this.d.volumes.remove(v, { inUse: false, force: true }).catch(() => undefined);
      throw err;
    }
    this.emit(rec, "create");
    return rec;
  }

  async start(idOrName: string): Promise<{ alreadyRunning: boolean }> {
    const rec0 = this.get(idOrName);
    return this.d.store.locked(rec0.id, async () => {
      const rec = this.get(rec0.id);
      if (rec.state.status === "running" || rec.state.status === "paused") return { alreadyRunning: true };
      this.cancelRestart(rec.id);
      const started = await this.doStart({ ...rec, state: { ...rec.state, explicitlyStopped: false } });
      this.emit(started, "start");
      return { alreadyRunning: false };
    });
  }

  // Must be called holding the container's lock.
  private async doStart(rec: ContainerRecord): Promise<ContainerRecord> {
    const p = this.d.paths.container(rec.id);
    const undo = new UndoStack();
    try {
      const image = await this.d.images.get(rec.config.imageId);
      // Layers removed behind the snapshotter's back are unpacked again.
      await this.d.images.ensureSnapshots(image.id);
      await mkdir(p.rootfs, { recursive: true });
      await this.d.mounter.mount(await this.d.snapshots.mounts(rec.id), p.rootfs);
      undo.push("unmount rootfs", () => this.d.mounter.unmount(p.rootfs));
      const { mounts } = await resolveMounts(rec.config.mounts, { volumes: this.d.volumes, rootfs: p.rootfs });
      const net = await this.d.network.setUp(rec, {
        netnsOf: (key) => this.d.store.find(key)?.state.netnsPath,
      });
      undo.push("network", () => this.d.network.tearDown({ ...rec, state: { ...rec.state, netnsPath: net.netnsPath ?? "", endpoints: net.endpoints, ports: net.ports } }));
      const hostname = rec.config.options.hostname || rec.id.slice(0, 12);
      const hosts = renderHostsFile({
        hostname,
        ...(rec.config.options.domainname ? { domainname: rec.config.options.domainname } : {}),
        addresses: net.endpoints.map((e) => e.ip),
        ...(rec.config.options.extraHosts ? { extraHosts: rec.config.options.extraHosts } : {}),
      });
      const extra = net.hostsEntries.map((h) => `${h.ip}\t${h.names.join(" ")}`).join("\n");
      await writeFile(p.hosts, extra ? `${hosts}${extra}\n` : hosts);
      await writeFile(p.resolvConf, net.resolvConf);
      await writeFile(p.hostname, renderHostnameFile(hostname));
      const rootfsFiles = {
        passwd: await readRootfsFile(p.rootfs, "/etc/passwd"),
        group: await readRootfsFile(p.rootfs, "/etc/group"),
      };
      const built = buildSpec({
        containerId: rec.id,
        image: image.config.config ?? {},
        options: {
          ...rec.config.options,
          mounts,
          network: net.network,
          ...(rec.config.init && this.d.initBinary ? { init: this.d.initBinary } : {}),
        },
        rootfsFiles: {
          ...(rootfsFiles.passwd !== undefined ? { passwd: rootfsFiles.passwd } : {}),
          ...(rootfsFiles.group !== undefined ? { group: rootfsFiles.group } : {}),
        },
        host: this.d.host,
        rootfsPath: p.rootfs,
        files: { hosts: p.hosts, resolvConf: p.resolvConf, hostname: p.hostname },
        cgroupsPath: this.cgroupsPath(rec.id),
      });
      for (const w of built.warnings) this.d.log("warn", `container ${rec.name}: ${w}`);
      for (const dir of built.mkdirs) await mkdirInRootfs(p.rootfs, dir);
      await writeFile(join(p.bundle, "config.json"), serializeSpec(built.spec));
      await rm(p.exitFile, { force: true });
      await mkdir(this.d.paths.exits, { recursive: true });
      await mkdir(p.shimState, { recursive: true });
      const tty = rec.config.options.tty ?? false;
      const { pid, shimPid } = await this.d.shim.create({
        id: rec.id,
        bundle: p.bundle,
        stateDir: p.shimState,
        exitFile: p.exitFile,
        logPath: p.log,
        ...(rec.config.log.maxSize ? { logMaxSize: rec.config.log.maxSize } : {}),
        ...(rec.config.log.maxFiles ? { logMaxFiles: rec.config.log.maxFiles } : {}),
        tty,
        stdin: rec.config.options.openStdin ?? false,
        start: true,
      });
      undo.push("runtime container", () => this.d.runtime.delete(rec.id, true));
      const pidStartTime = await this.signaller.startTime(pid);
      const health = this.healthConfig(rec, image.config.config?.Healthcheck);
      const { pidStartTime: _old, ...prev } = rec.state;
      const state: ContainerState = {
        ...prev,
        status: "running",
        pid,
        ...(pidStartTime !== undefined ? { pidStartTime } : {}),
        shimPid,
        startedAt: this.d.now().toISOString(),
        exitCode: 0,
        oomKilled: false,
        error: "",
        ...(net.netnsPath ? { netnsPath: net.netnsPath } : {}),
        endpoints: net.endpoints,
        ports: net.ports,
        rootfsMounted: true,
        ...(health ? { health: { status: "starting", failingStreak: 0, log: [] } } : {}),
      };
      const saved = await this.d.store.save({ ...rec, state });
      if (health) this.health.start(saved.id, health);
      return saved;
    } catch (err) {
      const problems = await undo.unwind();
      for (const pr of problems) this.d.log("error", `container ${rec.name}: cleaning up a failed start: ${pr}`);
      const message = err instanceof Error ? err.message : String(err);
      await this.d.store
        .save({ ...rec, state: { ...rec.state, status: rec.state.status === "restarting" ? "exited" : rec.state.status, error: message, exitCode: startFailureExitCode(message), rootfsMounted: false, pid: 0 } })
        .catch(() => undefined);
      throw err instanceof TstackError ? err : new TstackError("Internal", `starting container ${rec.name}: ${message}`, { cause: err });
    }
  }

  private healthConfig(rec: ContainerRecord, image?: ImageHealthcheck) {
    return HealthMonitor.config(image, rec.config.healthcheck);
  }

  private async recordHealth(id: string, update: (s: ContainerState) => ContainerState | undefined): Promise<void> {
    await this.d.store.locked(id, async () => {
      const rec = this.d.store.find(id);
      if (!rec || rec.state.status !== "running") return;
      const next = update(rec.state);
      if (!next) return;
      const saved = await this.d.store.save({ ...rec, state: next });
      if (next.health && next.health.status !== rec.state.health?.status) {
        this.emit(saved, `health_status: ${next.health.status}`);
      }
    });
  }

  /** Sends the stop signal, waits the grace period, then SIGKILL. */
  async stop(idOrName: string, timeoutSeconds?: number): Promise<StopResult> {
    const rec = this.get(idOrName);
    this.cancelRestart(rec.id);
    const wasRunning = await this.d.store.locked(rec.id, async () => {
      const cur = this.get(rec.id);
      await this.d.store.save({ ...cur, state: { ...cur.state, explicitlyStopped: true } });
      if (cur.state.status === "restarting") {
        await this.d.store.save({ ...cur, state: { ...cur.state, status: "exited", explicitlyStopped: true } });
        return false;
      }
      return cur.state.status === "running" || cur.state.status === "paused";
    });
    if (!wasRunning) return { escalated: false, alreadyStopped: true };
    const timeout = timeoutSeconds ?? rec.config.stopTimeoutSeconds ?? DEFAULT_STOP_TIMEOUT_S;
    const signal = parseSignal(rec.config.options.stopSignal ?? (await this.imageStopSignal(rec)) ?? "SIGTERM");
    const exited = this.waitExit(rec.id);
    // No grace period: the stop signal would only race the SIGKILL right behind it.
    if (timeout !== 0) await this.signal(rec, signal.name);
    if (timeout > 0) {
      const done = await Promise.race([exited.then(() => true), delay(timeout * 1000).then(() => false)]);
      if (done) return { escalated: false, alreadyStopped: false };
    }
    await this.signal(rec, "SIGKILL");
    await exited;
    return { escalated: timeout > 0, alreadyStopped: false };
  }

  private async imageStopSignal(rec: ContainerRecord): Promise<string | undefined> {
    return (await this.d.images.find(rec.config.imageId))?.config.config?.StopSignal;
  }

  private async signal(rec: ContainerRecord, sig: string): Promise<void> {
    this.emit(rec, "kill", { signal: sig.replace(/^SIG/, "") });
    const cur0 = this.d.store.find(rec.id);
    // With its own pid namespace, init is the container: what runc kill (--all for SIGKILL) does
    // comes down to one kill(2), as the kernel ends a pid namespace with its init. A frozen
    // container needs the runtime (it thaws it below).
    if (cur0?.state.status === "running" && cur0.state.pidStartTime !== undefined && (cur0.config.options.pid?.kind ?? "private") === "private") {
      await this.signaller.signalIf(cur0.state.pid, cur0.state.pidStartTime, sig);
      return;
    }
    try {
      await this.d.runtime.kill(rec.id, sig, sig === "SIGKILL");
      const cur = this.get(rec.id);
      // A frozen container cannot act on the signal: thaw it.
      if (cur.state.status === "paused") await this.d.runtime.resume(rec.id);
    } catch (err) {
      if (err instanceof TstackError && (err.kind === "NotFound" || err.kind === "FailedPrecondition")) return;
      throw err;
    }
  }

  async kill(idOrName: string, sig = "SIGKILL"): Promise<void> {
    const rec = this.get(idOrName);
    if (rec.state.status !== "running" && rec.state.status !== "paused") {
      throw conflict(`Container ${rec.id} is not running`);
    }
    const s = parseSignal(sig);
    if (s.number === 9 || s.number === 15) {
      await this.d.store.update(rec.id, (r) => ({ ...r, state: { ...r.state, explicitlyStopped: true } }));
      this.cancelRestart(rec.id);
    }
    await this.signal(rec, s.name);
  }

  async restart(idOrName: string, timeoutSeconds?: number): Promise<void> {
    await this.stop(idOrName, timeoutSeconds);
    await this.start(idOrName);
  }

  async pause(idOrName: string): Promise<void> {
    const rec = this.get(idOrName);
    await this.d.store.locked(rec.id, async () => {
      const cur = this.get(rec.id);
      if (cur.state.status !== "running") throw conflict(`Container ${cur.id} is not running`);
      await this.d.runtime.pause(cur.id);
      this.emit(await this.d.store.save({ ...cur, state: { ...cur.state, status: "paused" } }), "pause");
    });
  }

  async unpause(idOrName: string): Promise<void> {
    const rec = this.get(idOrName);
    await this.d.store.locked(rec.id, async () => {
      const cur = this.get(rec.id);
      if (cur.state.status !== "paused") throw conflict(`Container ${cur.id} is not paused`);
      await this.d.runtime.resume(cur.id);
      this.emit(await this.d.store.save({ ...cur, state: { ...cur.state, status: "running" } }), "unpause");
    });
  }

  async rename(idOrName: string, newName: string): Promise<void> {
    const name = normalizeContainerName(newName);
    const rec = this.get(idOrName);
    if (this.d.store.nameTaken(name)) throw conflict(`the container name "/${name}" is already in use`);
    const saved = await this.d.store.update(rec.id, (r) => ({ ...r, name }));
    this.emit(saved, "rename", { oldName: `/${rec.name}` });
  }

  async remove(idOrName: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const rec = this.get(idOrName);
    if (rec.state.status === "running" || rec.state.status === "paused" || rec.state.status === "restarting") {
      if (!opts.force) {
        throw conflict(
          `You cannot remove a ${rec.state.status} container ${rec.id}. Stop the container before attempting removal or force remove`,
        );
      }
      await this.stop(rec.id, 0);
    }
    this.cancelRestart(rec.id);
    await this.d.store.locked(rec.id, async () => {
      const cur = this.d.store.find(rec.id);
      if (!cur) return;
      await this.d.store.save({ ...cur, state: { ...cur.state, status: "removing" } });
      const p = this.d.paths.container(cur.id);
      // Usually released already when the container exited; check cheaply before spawning anything.
      if (await this.d.runtime.hasState(cur.id)) await this.d.runtime.delete(cur.id, true).catch(() => undefined);
      if (await this.d.mounter.isMounted(p.rootfs)) await this.d.mounter.unmount(p.rootfs);
      await this.d.network.tearDown(cur);
      await this.d.snapshots.remove(cur.id).catch((err: unknown) => {
        if (!isKind(err, "NotFound")) throw err;
      });
      await rm(p.bundle, { recursive: true, force: true });
      await rm(p.exitFile, { force: true });
      await this.execs.cleanup(cur.id);
      await this.d.store.delete(cur.id);
      if (opts.volumes) {
        for (const v of cur.anonymousVolumes) {
          await this.d.volumes.remove(v, { force: true, inUse: this.volumeInUse(v) }).catch((err) =>
            this.d.log("warn", `removing volume ${v}: ${String(err)}`),
          );
        }
      }
      this.emit(cur, "destroy");
    });
  }

  /** Docker's network connect: at once for a running container, else from its next start. */
  async connect(idOrName: string, network: string, req: EndpointRequest = {}): Promise<void> {
    const rec0 = this.get(idOrName);
    await this.d.store.locked(rec0.id, async () => {
      const rec = this.get(rec0.id);
      const mode = rec.config.networking.mode.kind;
      const running = rec.state.status === "running" || rec.state.status === "paused";
      // `none` after a disconnect from every network (clients such as docker-compose v1
      // disconnect and reconnect with aliases) may be connected again; host and shared
      // namespaces may not, nor a running container with no namespace of tstack's.
      if (mode === "host" || mode === "container" || (mode === "none" && running && !rec.state.netnsPath)) {
        throw conflict(`container ${rec.name} uses network mode ${mode}: it cannot be connected to a network`);
      }
      const name = this.d.network.networkName(network);
      const current = Object.keys(rec.config.networking.networks);
      const onDefault = mode === "bridge" && current.length === 0;
      if (current.includes(name) || (onDefault && name === "bridge")) {
        throw conflict(`container ${rec.name} is already connected to network ${name}`);
      }
      // With no network named, a bridge-mode container is on the default one: keep it there.
      const networks = { ...(onDefault ? { bridge: {} } : rec.config.networking.networks), [name]: req };
      let state = rec.state;
      if (rec.state.status === "running" || rec.state.status === "paused") {
        const ep = await this.d.network.connect(rec, name, req);
        state = { ...state, endpoints: [...state.endpoints, ep] };
      }
      const networking = { ...rec.config.networking, mode: { kind: "bridge" as const }, networks };
      const saved = await this.d.store.save({ ...rec, config: { ...rec.config, networking }, state });
      this.d.events.emit({ type: "network", action: "connect", id: name, attributes: { container: saved.id, name } });
    });
  }

  async disconnect(idOrName: string, network: string): Promise<void> {
    const rec0 = this.get(idOrName);
    await this.d.store.locked(rec0.id, async () => {
      const rec = this.get(rec0.id);
      const name = this.d.network.networkName(network);
      const current = Object.keys(rec.config.networking.networks);
      const onDefault = rec.config.networking.mode.kind === "bridge" && current.length === 0;
      const connected = current.includes(name) || (onDefault && name === "bridge");
      if (!connected) throw conflict(`container ${rec.name} is not connected to network ${name}`);
      const networks = Object.fromEntries(Object.entries(onDefault ? { bridge: {} } : rec.config.networking.networks).filter(([n]) => n !== name));
      let state = rec.state;
      if (rec.state.status === "running" || rec.state.status === "paused") {
        await this.d.network.disconnect(rec, name);
        state = { ...state, endpoints: state.endpoints.filter((e) => e.networkName !== name) };
      }
      // A container left on no network gets none at all (Docker: network mode stays, no endpoints).
      const mode = Object.keys(networks).length === 0 ? ({ kind: "none" } as const) : rec.config.networking.mode;
      await this.d.store.save({ ...rec, config: { ...rec.config, networking: { ...rec.config.networking, mode, networks } }, state });
      this.d.events.emit({ type: "network", action: "disconnect", id: name, attributes: { container: rec.id, name } });
    });
  }

  volumeInUse(name: string): boolean {
    return this.d.store.list().some((r) => r.config.mounts.some((m) => m.type === "volume" && m.name === name));
  }

  imageInUse(imageId: string): boolean {
    return this.d.store.list().some((r) => r.config.imageId === imageId);
  }

  /** Resolves with the exit code once the condition holds. */
  async wait(idOrName: string, condition: WaitCondition = "not-running", signal?: AbortSignal): Promise<{ exitCode: number; error?: string }> {
    const rec = this.get(idOrName);
    const sub = this.d.events.subscribe({
      filter: (e) => e.type === "container" && e.id === rec.id && (e.action === "die" || e.action === "destroy"),
      ...(signal ? { signal } : {}),
    });
    try {
      const cur = this.d.store.find(rec.id);
      if (condition === "not-running" && (!cur || !["running", "paused", "restarting"].includes(cur.state.status))) {
        return { exitCode: cur?.state.exitCode ?? rec.state.exitCode };
      }
      if (condition === "removed" && !cur) return { exitCode: rec.state.exitCode };
      // A destroy event carries no exit code: the last one seen (or recorded) is the answer.
      let lastExit = cur?.state.exitCode ?? rec.state.exitCode;
      for await (const e of sub) {
        if (e.action === "die") lastExit = Number(e.attributes["exitCode"] ?? this.d.store.find(rec.id)?.state.exitCode ?? lastExit);
        if (condition === "removed") {
          if (e.action === "destroy") return { exitCode: lastExit };
          continue;
        }
        if (condition === "not-running" && e.action === "die") {
          const now = this.d.store.find(rec.id);
          if (now?.state.status === "restarting") continue;
        }
        return { exitCode: Number(e.attributes["exitCode"] ?? this.d.store.find(rec.id)?.state.exitCode ?? 0) };
      }
      throw new TstackError("Unavailable", "wait cancelled");
    } finally {
      sub.close();
    }
  }

  private waitExit(id: string): Promise<void> {
    return new Promise((resolve) => {
      const off = this.d.events.on((e) => {
        if (e.type === "container" && e.id === id && (e.action === "die" || e.action === "destroy")) {
          off();
          resolve();
        }
      });
    });
  }

  /**
   * The container's process exited (its shim wrote the exit file). Records the exit,
   * releases the rootfs and network, and applies the restart policy.
   */
  async handleExit(id: string): Promise<void> {
    const p = this.d.paths.container(id);
    const rec0 = this.d.store.find(id);
    if (!rec0) {
      await rm(p.exitFile, { force: true });
      return;
    }
    await this.d.store.locked(id, async () => {
      const rec = this.d.store.find(id);
      // An exit file of a start that failed and was rolled back: nothing left to record.
      if (!rec || (rec.state.status !== "running" && rec.state.status !== "paused")) {
        await rm(p.exitFile, { force: true });
        return;
      }
      const exit = await this.d.shim.readExit(p.exitFile);
      if (!exit) return; // not exited after all
      this.health.stop(id);
      // Only a SIGKILLed process can have been the OOM killer's; its cgroup goes with runc delete.
      const oomKills = exit.exitCode === 137 ? await readOomKills(this.d.cgroups.fs, this.d.cgroups.layout, this.cgroupsPath(id)).catch(() => 0) : 0;
      const oomKilled = oomKills > 0;
      // Independent releases, side by side: the runtime's state, the rootfs, the network.
      await Promise.all([
        this.d.runtime.deleteStopped(id).catch((err) => this.d.log("warn", `runc delete ${id}: ${String(err)}`)),
        this.d.mounter.unmount(p.rootfs).catch((err) => this.d.log("warn", `unmount ${p.rootfs}: ${String(err)}`)),
        this.d.network.tearDown(rec).catch((err) => this.d.log("warn", `network teardown ${id}: ${String(err)}`)),
      ]);
      await rm(p.exitFile, { force: true });
      const startedMs = Date.parse(rec.state.startedAt);
      const ranFor = Date.parse(exit.exitedAt) - startedMs;
      const restart = shouldRestart(rec.config.restartPolicy, {
        exitCode: exit.exitCode,
        explicitlyStopped: rec.state.explicitlyStopped,
        restartCount: rec.state.restartCount,
      });
      const state: ContainerState = {
        ...rec.state,
        status: restart ? "restarting" : "exited",
        pid: 0,
        shimPid: 0,
        exitCode: exit.exitCode,
        finishedAt: exit.exitedAt,
        oomKilled,
        endpoints: [],
        ports: [],
        rootfsMounted: false,
        ...(rec.state.health ? { health: { ...rec.state.health, status: "unhealthy" as const } } : {}),
      };
      const { netnsPath: _gone, pidStartTime: _pid, ...rest } = state;
      const saved = await this.d.store.save({ ...rec, state: rest });
      if (oomKilled) this.emit(saved, "oom");
      this.emit(saved, "die", { exitCode: String(exit.exitCode) });
      if (restart) {
        const prev = this.restartDelays.get(id) ?? 0;
        const wait = nextRestartDelay(prev, Number.isFinite(ranFor) ? ranFor : 0);
        this.restartDelays.set(id, wait);
        this.scheduleRestart(id, wait);
      } else if (saved.config.autoRemove) {
        queueMicrotask(() => void this.remove(id, { volumes: true }).catch(() => undefined));
      }
    });
  }

  private scheduleRestart(id: string, ms: number): void {
    this.cancelRestart(id);
    const t = setTimeout(() => {
      this.restartTimers.delete(id);
      void this.d.store
        .locked(id, async () => {
          const rec = this.d.store.find(id);
          if (!rec || rec.state.status !== "restarting") return;
          const counted = { ...rec, state: { ...rec.state, restartCount: rec.state.restartCount + 1 } };
          const started = await this.doStart(counted);
          this.emit(started, "start");
        })
        .catch((err) => this.d.log("error", `restarting ${id}: ${String(err)}`));
    }, ms);
    t.unref();
    this.restartTimers.set(id, t);
  }

  private cancelRestart(id: string): void {
    const t = this.restartTimers.get(id);
    if (t) clearTimeout(t);
    this.restartTimers.delete(id);
  }

  /**
   * At engine start: containers whose shims still run are adopted as they are; exits that
   * happened while the engine was away are recorded (and restart policies applied);
   * containers of a restart policy that were not stopped by the user come back.
   */
  async adopt(): Promise<void> {
    for (const rec of this.d.store.list()) {
      await this.importLegacyLayer(rec);
      const p = this.d.paths.container(rec.id);
      switch (rec.state.status) {
        case "running":
        case "paused": {
          if (await this.d.shim.readExit(p.exitFile)) {
            await this.handleExit(rec.id);
          } else if (await this.d.shim.isAlive(rec.state.shimPid, rec.id)) {
            const image = await this.d.images.find(rec.config.imageId);
            const health = this.healthConfig(rec, image?.config.config?.Healthcheck);
            if (health && rec.state.status === "running") this.health.start(rec.id, health);
          } else {
            await this.markLost(rec);
          }
          break;
        }
        case "restarting":
          this.scheduleRestart(rec.id, 0);
          break;
        case "removing":
          await this.remove(rec.id, { force: true }).catch(() => undefined);
          break;
        case "created":
        case "exited":
        case "dead":
          // An engine killed in the middle of a start leaves a runtime container, a mount
          // and a shim that the record does not know about yet: undo them.
          if (await this.d.runtime.state(rec.id).catch(() => undefined)) {
            await this.d.runtime.kill(rec.id, "SIGKILL", true).catch(() => undefined);
            await this.d.runtime.delete(rec.id, true).catch(() => undefined);
          }
          if (rec.state.rootfsMounted || (await this.d.mounter.isMounted(p.rootfs))) {
            await this.d.mounter.unmount(p.rootfs).catch(() => undefined);
          }
          await rm(p.exitFile, { force: true });
          break;
      }
    }
  }

  // Engines before the snapshotter owned writable layers kept a container's upper and work dirs
  // beside its record; they move into the snapshotter (running or not: a mounted overlay follows
  // its dirs), after which nothing tells such a container apart. A crash midway is finished at
  // the next start.
  private async importLegacyLayer(rec: ContainerRecord): Promise<void> {
    const legacy = this.d.paths.container(rec.id).legacyLayer;
    if (!(await pathExists(legacy.upper)) && !(await pathExists(legacy.work))) return;
    try {
      const image = await this.d.images.get(rec.config.imageId);
      const chain = await this.d.images.ensureSnapshots(image.id);
      await this.d.snapshots.importActive(rec.id, chain.at(-1), legacy);
      await rm(legacy.dir, { recursive: true, force: true });
    } catch (err) {
      this.d.log("warn", `container ${rec.name}: moving its writable layer into the snapshotter: ${String(err)}`);
    }
  }

  // The shim is gone without an exit file (killed, or the machine rebooted): the
  // container's output can no longer be captured, so it is stopped and marked.
  private async markLost(rec: ContainerRecord): Promise<void> {
    await this.d.store.locked(rec.id, async () => {
      const p = this.d.paths.container(rec.id);
      await this.d.runtime.kill(rec.id, "SIGKILL", true).catch(() => undefined);
      await this.d.runtime.delete(rec.id, true).catch(() => undefined);
      await this.d.mounter.unmount(p.rootfs).catch(() => undefined);
      await this.d.network.tearDown(rec).catch(() => undefined);
      const saved = await this.d.store.save({
        ...rec,
        state: { ...rec.state, status: "exited", exitCode: 137, pid: 0, shimPid: 0, finishedAt: this.d.now().toISOString(), error: "the container's monitor exited unexpectedly", rootfsMounted: false, endpoints: [], ports: [] },
      });
      this.emit(saved, "die", { exitCode: "137" });
    });
  }

  logs(idOrName: string, opts: Omit<ReadLogsOptions, "isDone" | "endNs"> = {}): AsyncGenerator<LogEntry> {
    const rec = this.get(idOrName);
    const isDone = () => {
      const cur = this.d.store.find(rec.id);
      return !cur || !["running", "paused", "restarting"].includes(cur.state.status);
    };
    const endNs = () => {
      const finished = this.d.store.find(rec.id)?.state.finishedAt;
      if (finished === undefined || finished === ZERO_TIME) return undefined;
      try {
        return parseTimeNs(finished);
      } catch {
        return undefined;
      }
    };
    return readLogs(this.d.paths.container(rec.id).log, { ...opts, isDone, endNs });
  }

  async stats(idOrName: string): Promise<CgroupStats> {
    const rec = this.get(idOrName);
    return readCgroupStats(this.d.cgroups.fs, this.d.cgroups.layout, this.cgroupsPath(rec.id));
  }

  async top(idOrName: string): Promise<readonly number[]> {
    const rec = this.get(idOrName);
    if (rec.state.status !== "running" && rec.state.status !== "paused") throw conflict(`Container ${rec.id} is not running`);
    return this.d.runtime.ps(rec.id);
  }

  /** `docker diff`: what the container's writable layer changed in its image's filesystem. */
  async changes(idOrName: string): Promise<readonly FsChange[]> {
    const rec = this.get(idOrName);
    // What runc and the engine put into the rootfs for every container: Docker hides the same
    // paths in an init layer, so they never show in its diff either.
    const ignore = [
      "/proc",
      "/sys",
      "/dev",
      "/etc/hosts",
      "/etc/resolv.conf",
      "/etc/hostname",
      ...(rec.config.init ? [INIT_PATH_IN_CONTAINER] : []),
      ...rec.config.mounts.map((m) => m.target),
    ];
    return this.d.snapshots.changes(rec.id, { ignore });
  }

  /** Where the container's writable layer lives (inspect's GraphDriver). */
  layerDirs(id: string): { readonly upper: string; readonly work: string } {
    return this.d.snapshots.activeDirs(id);
  }

  async attach(idOrName: string): Promise<AttachHandle> {
    const rec = this.get(idOrName);
    if (rec.state.status !== "running" && rec.state.status !== "paused") throw conflict(`Container ${rec.id} is not running`);
    return this.d.shim.attach(this.d.paths.container(rec.id).shimState);
  }

  async createExec(idOrName: string, req: ExecRequest): Promise<string> {
    const rec = this.get(idOrName);
    if (rec.state.status !== "running") throw conflict(`Container ${rec.id} is not running`);
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
    for (const id of [...this.restartTimers.keys()]) this.cancelRestart(id);
    this.health.stopAll();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

