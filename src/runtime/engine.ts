import { randomBytes, randomInt } from "node:crypto";
import { access, mkdir, readFile } from "node:fs/promises";
import { TstackError } from "../common/errors.ts";
import { createNetworkManager, type NetworkManager } from "../network/index.ts";
import { detectCgroupLayout, type CgroupFs } from "./cgroups/cgroup-layout.ts";
import { createContentStore, type ContentStore } from "./content/content-store.ts";
import { ContainerEngine } from "./containers/container-engine.ts";
import { openContainerStore } from "./containers/container-store.ts";
import { watchExits, type ExitWatcher } from "./containers/exit-watcher.ts";
import { createMounter, type Mounter } from "./containers/mounter.ts";
import type { ShimPort } from "./containers/ports.ts";
import type { ProcessRunner } from "../common/spawn/process-runner.ts";
import type { HostFacts } from "./spec/index.ts";
import { nativeLazyUnmount, nativeMounter } from "./wiring/native-mounter.ts";
import { openProcessBackend, type ProcessBackend } from "./wiring/process-backend.ts";
import { createOciRuntime, type OciRuntime } from "./containers/runc.ts";
import { acquireEngineLock, type EngineLock } from "./engine-lock.ts";
import { enginePaths, type EnginePaths } from "./engine-paths.ts";
import { createEventBus, type EventBus } from "./events/event-bus.ts";
import { findBinary } from "./host/find-binary.ts";
import { gatherHostFacts } from "./host/host-facts.ts";
import { ensureNativeHelpers } from "./host/native-helpers.ts";
import { shimBinaryPath } from "./shim/index.ts";
import { nativeSpawnerBinaryPath } from "../common/spawn/native-spawner.ts";
import { openImageRecords } from "./image/image-records.ts";
import { createImageService, type ImageService } from "./image/image-service.ts";
import { createRegistryClient, dockerConfigCredentials, defaultDockerConfigPath } from "./registry/index.ts";
import { createSnapshotter, type Snapshotter } from "./snapshot/index.ts";
import { openVolumeStore, type VolumeStore } from "./volumes/volume-store.ts";
import { createNetworkPort, DEFAULT_NETWORK } from "./wiring/network-port.ts";
import { createShimPort } from "./wiring/shim-port.ts";
import { createSnapshotPort } from "./wiring/snapshot-port.ts";

/** The low-level seams the engine's own services run on. Lifecycle: the engine's. */
export interface EngineSeams {
  readonly runner: ProcessRunner;
  readonly mounter: Mounter;
  readonly runtime: OciRuntime;
  readonly shim: ShimPort;
  readonly host: HostFacts;
  readonly now: () => Date;
  readonly log: (level: "debug" | "info" | "warn" | "error", msg: string) => void;
}

export interface EngineOptions {
  readonly stateRoot?: string;
  readonly runRoot?: string;
  /** runc by default; crun where it works (not on hybrid cgroup hosts). */
  readonly runtimeBinary?: string;
  readonly shimBinary?: string;
  /** tstack-spawn (native/build/ by default); without it programs start with node's spawn. */
  readonly spawnBinary?: string;
  readonly initBinary?: string;
  readonly insecureRegistries?: readonly string[];
  readonly log?: (level: "debug" | "info" | "warn" | "error", msg: string) => void;
}

/**
 * The engine: images, containers, volumes, networks and events over one state root.
 * Lifecycle: `openEngine` takes the root's lock, adopts the containers that still run and
 * reclaims what crashed ones left; `close` stops watching and releases the lock but leaves
 * containers running (their shims keep them).
 */
export interface Engine {
  readonly paths: EnginePaths;
  readonly events: EventBus;
  readonly content: ContentStore;
  readonly snapshotter: Snapshotter;
  readonly images: ImageService;
  readonly containers: ContainerEngine;
  readonly volumes: VolumeStore;
  readonly networks: NetworkManager;
  /** The machinery the services above share, for services built over this engine (the image builder). */
  readonly seams: EngineSeams;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const exists = (p: string) => access(p).then(() => true, () => false);

const cgroupFs: CgroupFs = { exists, readFile: (p) => readFile(p, "utf8") };

export async function openEngine(o: EngineOptions = {}): Promise<Engine> {
  const paths = enginePaths(o.stateRoot, o.runRoot);
  const log = o.log ?? (() => undefined);
  await mkdir(paths.stateRoot, { recursive: true, mode: 0o711 });
  await mkdir(paths.runRoot, { recursive: true, mode: 0o711 });
  // An installed package builds its C helpers here, once; without a compiler this is the error.
  await ensureNativeHelpers([...(o.shimBinary ? [] : [shimBinaryPath()]), ...(o.spawnBinary ? [] : [nativeSpawnerBinaryPath()])]);
  const lock: EngineLock = await acquireEngineLock(paths.lockFile);
  let watcher: ExitWatcher | undefined;
  let networks: NetworkManager | undefined;
  // Programs (runc, CNI plugins, ip, iptables, shims) start from tstack-spawn, or from a worker
  // thread without it: node's spawn blocks the calling thread until the child has exec'd.
  let processes: ProcessBackend | undefined;
  try {
    processes = await openProcessBackend({ ...(o.spawnBinary ? { binary: o.spawnBinary } : {}), log });
    const { runner, native } = processes;
    const now = () => new Date();
    const events = createEventBus({ nowNs: () => BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n) });
    const content = await createContentStore(paths.content);
    await content.cleanIngests();
    const snapshotter = createSnapshotter({ root: paths.snapshots, runner, blobs: content });
    await snapshotter.collectGarbage(); // half-unpacked layers and half-prepared snapshots of a crashed engine
    const records = await openImageRecords(paths.images);
    const registry = createRegistryClient({
      insecureRegistries: o.insecureRegistries ?? [],
      credentials: dockerConfigCredentials({ path: defaultDockerConfigPath() }),
    });
    const registryWith = (c: { username: string; password: string }) =>
      createRegistryClient({ insecureRegistries: o.insecureRegistries ?? [], credentials: async () => c });
    const images = createImageService({ content, records, registry, registryWith, snapshots: createSnapshotPort(snapshotter), events, now });
    const volumes = await openVolumeStore(paths.stateRoot, { now });
    const store = await openContainerStore(paths.containers);
    networks = await createNetworkManager({ stateRoot: paths.stateRoot, runRoot: paths.runRoot, now, runner, ...(native ? { unmount: nativeLazyUnmount(native) } : {}) });
    if (!networks.list().some((n) => n.name === DEFAULT_NETWORK)) {
      await networks.createNetwork({ name: DEFAULT_NETWORK, driver: "bridge" });
    }
    const runtimeBinary = await findBinary(o.runtimeBinary ?? "runc", undefined, "install runc (apt-get install runc)");
    const cgroupLayout = await detectCgroupLayout(cgroupFs);
    // crun (1.8 here) refuses hosts with cgroup v1 controllers ("cgroups in hybrid mode not supported").
    if (/crun$/.test(runtimeBinary) && cgroupLayout.mode === "v1") {
      throw new TstackError(
        "FailedPrecondition",
        `${runtimeBinary} cannot run containers on this host: it has cgroup v1 controllers (hybrid or legacy layout), which crun refuses; use runc (the default)`,
      );
    }
    const runtime = createOciRuntime({ binary: runtimeBinary, root: paths.runcRoot, runner });
    // The static build: it runs in any image, with or without a libc.
    const initBinary = o.initBinary ?? ((await exists("/usr/bin/tini-static")) ? "/usr/bin/tini-static" : undefined);
    const shim = createShimPort({ runtime, ...(o.shimBinary ? { binary: o.shimBinary } : {}), ...(native ? { launch: (r) => native.runUntilLine(r) } : {}) });
    const mounter = native ? nativeMounter(native) : createMounter(runner);
    const host = await gatherHostFacts();
    const seams: EngineSeams = { runner, mounter, runtime, shim, host, now, log };
    const containers = new ContainerEngine({
      paths,
      store,
      images,
      snapshots: snapshotter,
      volumes,
      network: createNetworkPort(networks),
      runtime,
      shim,
      mounter,
      runner,
      events,
      host,
      cgroups: { layout: cgroupLayout, fs: cgroupFs },
      ...(initBinary ? { initBinary } : {}),
      now,
      randomId: () => randomBytes(32).toString("hex"),
      random: () => randomInt(1_000_000) / 1_000_000,
      log,
    });
    await containers.adopt();
    const live = store.list().filter((r) => r.state.status === "running" || r.state.status === "paused").map((r) => r.id);
    const report = await networks.reclaim(live);
    for (const e of report.errors) log("warn", `network reclaim: ${e}`);
    watcher = await watchExits(paths.exits, (id) => containers.handleExit(id));
    await watcher.sweep();
    const nm = networks;
    const w = watcher;
    const p = processes;
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      w.close();
      await containers.shutdown();
      await nm.close();
      await p.close();
      await lock.release();
    };
    return { paths, events, content, snapshotter, images, containers, volumes, networks: nm, seams, close, [Symbol.asyncDispose]: close };
  } catch (err) {
    watcher?.close();
    await networks?.close().catch(() => undefined);
    await processes?.close();
    await lock.release();
    throw err instanceof TstackError ? err : new TstackError("Internal", `starting the engine: ${String(err)}`, { cause: err });
  }
}
