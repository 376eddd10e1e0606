// A container engine's seams on a temp dir (test-only; left out of the build): the real record
// and volume stores and event bus, the fakes of fake-seams.ts for everything that would start a
// process, mount or touch the network, and recorders for the steps the engine wires together
// (healthchecks, restarts, auto-remove). Unit tests give it, or a part of it, to one module.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fakeProcessRunner, type FakeProcessRunner } from "../../../common/spawn/testing/fake-process-runner.ts";
import type { CgroupFs } from "../../cgroups/cgroup-layout.ts";
import { enginePaths } from "../../engine-paths.ts";
import { createEventBus, type EngineEvent } from "../../events/event-bus.ts";
import type { LocalImage } from "../../image/image-service.ts";
import type { HostFacts } from "../../spec/index.ts";
import { openVolumeStore, type VolumeStore } from "../../volumes/volume-store.ts";
import type { AdoptDeps } from "../adopt-containers.ts";
import type { ExitDeps } from "../container-exit.ts";
import type { NetworkLinkDeps } from "../container-networks.ts";
import { initialState, type ContainerRecord, type ContainerState } from "../container-record.ts";
import { openContainerStore } from "../container-store.ts";
import type { CreateDeps } from "../create-container.ts";
import type { ContainerEngineDeps } from "../engine-deps.ts";
import { ExecManager } from "../exec-manager.ts";
import type { PauseDeps } from "../pause-container.ts";
import type { RemoveDeps } from "../remove-container.ts";
import type { StartDeps } from "../start-container.ts";
import type { StopDeps } from "../stop-container.ts";
import {
  fakeImages,
  fakeLayers,
  fakeMounter,
  fakeNetwork,
  fakeRuntime,
  fakeShim,
  fakeSignaller,
  Journal,
  testImage,
  type FakeMounter,
  type FakeRuntime,
  type FakeShim,
} from "./fake-seams.ts";

export const TEST_HOST: HostFacts = {
  rlimits: { nofile: { soft: 1024, hard: 4096 } },
  cgroupVersion: 2,
};

/** Everything the lifecycle modules take, as ContainerEngine composes it. */
export type ContainerParts = CreateDeps & StartDeps & StopDeps & PauseDeps & ExitDeps & AdoptDeps & RemoveDeps & NetworkLinkDeps;

export interface ContainerTestbed extends AsyncDisposable {
  readonly dir: string;
  readonly journal: Journal;
  readonly deps: ContainerEngineDeps;
  /** deps plus recorders of the engine's own wiring (health, restarts, auto-remove, stop, remove). */
  readonly parts: ContainerParts;
  readonly runtime: FakeRuntime;
  readonly shim: FakeShim;
  readonly mounter: FakeMounter;
  readonly runner: FakeProcessRunner;
  readonly volumes: VolumeStore;
  readonly image: LocalImage;
  /** Every event emitted, as "action id" (container events) or "type action id". */
  readonly events: string[];
  readonly eventLog: EngineEvent[];
  /** Adds a record as if created (and, with `state`, started) earlier. */
  addRecord(id: string, state?: Partial<ContainerState>, config?: Partial<ContainerRecord["config"]>): Promise<ContainerRecord>;
}

export async function containerTestbed(o: { image?: LocalImage; oomKills?: number } = {}): Promise<ContainerTestbed> {
  const dir = await mkdtemp(join(tmpdir(), "tstack-containers-"));
  const journal = new Journal();
  const paths = enginePaths(join(dir, "state"), join(dir, "run"));
  let t = 0n;
  const bus = createEventBus({ nowNs: () => ++t });
  const eventLog: EngineEvent[] = [];
  const events: string[] = [];
  bus.on((e) => {
    eventLog.push(e);
    events.push(e.type === "container" ? `${e.action} ${e.id}` : `${e.type} ${e.action} ${e.id}`);
  });
  const image = o.image ?? testImage();
  const runtime = fakeRuntime(journal);
  const shim = fakeShim(journal);
  const mounter = fakeMounter(journal);
  const runner = fakeProcessRunner((c) => {
    journal.step(`run.${c.file}`, `run ${[c.file, ...c.args].join(" ")}`);
    return "";
  });
  const cgroupFs: CgroupFs = {
    exists: async () => true,
    readFile: async (p) => (p.endsWith("/memory.events") ? `oom_kill ${o.oomKills ?? 0}\n` : ""),
  };
  let ids = 0;
  const store = await openContainerStore(paths.containers);
  const volumes = await openVolumeStore(paths.stateRoot, { now: () => new Date("2024-05-01T00:00:00Z") });
  const deps: ContainerEngineDeps = {
    paths,
    store,
    images: fakeImages(journal, image),
    snapshots: fakeLayers(journal),
    volumes,
    network: fakeNetwork(journal),
    runtime,
    shim,
    mounter,
    runner,
    events: bus,
    host: TEST_HOST,
    cgroups: { layout: { mode: "v2", root: "/sys/fs/cgroup" }, fs: cgroupFs },
    signaller: fakeSignaller(journal),
    now: () => new Date("2024-05-01T00:00:00Z"),
    randomId: () => `c${++ids}`.padEnd(64, "0"),
    random: () => 0.5,
    log: (level, msg) => journal.calls.push(`log ${level} ${msg}`),
  };
  const parts: ContainerParts = {
    ...deps,
    signaller: fakeSignaller(journal),
    health: {
      start: (id) => journal.calls.push(`health start ${id}`),
      stop: (id) => journal.calls.push(`health stop ${id}`),
    },
    execs: new ExecManager({ paths, shim, store, events: bus, randomId: deps.randomId, now: deps.now }),
    restarts: {
      cancel: (id) => journal.calls.push(`restarts cancel ${id}`),
      forget: (id) => journal.calls.push(`restarts forget ${id}`),
    },
    restartDelay: () => 100,
    scheduleRestart: (id, ms) => journal.calls.push(`restart ${id} in ${ms} ms`),
    autoRemove: (id) => journal.calls.push(`auto-remove ${id}`),
    handleExit: async (id) => void journal.calls.push(`handleExit ${id}`),
    remove: async (id) => void journal.calls.push(`remove ${id}`),
    stop: async (id, timeout) => {
      journal.calls.push(`stop ${id} ${timeout}`);
      return { escalated: false, alreadyStopped: false };
    },
  };
  return {
    dir,
    journal,
    deps,
    parts,
    runtime,
    shim,
    mounter,
    runner,
    volumes,
    image,
    events,
    eventLog,
    async addRecord(id, state = {}, config = {}) {
      const rec: ContainerRecord = {
        id,
        name: `name-${id.slice(0, 4)}`,
        createdAt: "2024-05-01T00:00:00.000Z",
        config: {
          image: "test",
          imageId: image.id,
          labels: {},
          options: {},
          init: false,
          mounts: [],
          networking: { mode: { kind: "bridge" }, networks: {}, portBindings: [], exposedPorts: [] },
          restartPolicy: { name: "no" },
          log: {},
          autoRemove: false,
          ...config,
        },
        state: { ...initialState(), ...state },
        anonymousVolumes: [],
      };
      await store.add(rec);
      return rec;
    },
    [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }),
  };
}
