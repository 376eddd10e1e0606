// In-memory stand-ins for the container engine's seams (test-only; left out of the build). Every
// fake writes what it was asked to do into one shared journal ("mount /r/rootfs", "runtime delete
// c1 --force", …), so a test reads the order of a lifecycle step's effects, and any step can be
// made to fail by name.
import type { Digest } from "../../content/digest.ts";
import type { ImageService, LocalImage } from "../../image/image-service.ts";
import type { ImageRuntimeConfig } from "../../registry/manifest-types.ts";
import type { Mounter } from "../mounter.ts";
import type { ExitInfo, LayerPort, NetworkPort, NetworkSetup, ShimPort } from "../ports.ts";
import type { ProcessSignaller } from "../process-signal.ts";
import type { OciRuntime, RuntimeState } from "../runc.ts";

/** The shared journal, and the failures to inject: `failOn("shim.create")` fails that step once per call until cleared. */
export class Journal {
  readonly calls: string[] = [];
  private readonly failures = new Map<string, Error>();

  failOn(step: string, err: Error = new Error(`${step} failed`)): void {
    this.failures.set(step, err);
  }

  clear(step: string): void {
    this.failures.delete(step);
  }

  /** Records `line` and throws if `step` is set to fail. */
  step(step: string, line: string): void {
    this.calls.push(line);
    const err = this.failures.get(step);
    if (err) throw err;
  }

  /** The calls whose line starts with `prefix`. */
  of(prefix: string): string[] {
    return this.calls.filter((c) => c.startsWith(prefix));
  }
}

export const TEST_IMAGE_ID: Digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

export function testImage(config: ImageRuntimeConfig = {}, id: Digest = TEST_IMAGE_ID): LocalImage {
  return {
    id,
    names: ["docker.io/library/test:latest"],
    repoDigests: [],
    manifestDigest: "sha256:2222222222222222222222222222222222222222222222222222222222222222",
    manifest: { schemaVersion: 2, config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: id, size: 1 }, layers: [] },
    config: { architecture: "amd64", os: "linux", config: { Cmd: ["sh"], ...config }, rootfs: { type: "layers", diff_ids: [] } },
    chainIds: ["chain-0"],
    size: 0,
    recordedAt: "2024-05-01T00:00:00.000Z",
  };
}

export type FakeImages = Pick<ImageService, "find" | "get" | "ensureSnapshots">;

/** One image, found by its name or id. */
export function fakeImages(j: Journal, image: LocalImage): FakeImages {
  const matches = (ref: string) => ref === image.id || image.names.some((n) => n === ref || n.endsWith(`/${ref}`) || n.endsWith(`/library/${ref}:latest`));
  return {
    find: async (ref) => (matches(ref) ? image : undefined),
    async get(ref) {
      if (!matches(ref)) throw new Error(`No such image: ${ref}`);
      return image;
    },
    async ensureSnapshots(id) {
      j.step("images.ensureSnapshots", `images ensureSnapshots ${id}`);
      return image.chainIds;
    },
  };
}

export function fakeLayers(j: Journal): LayerPort {
  const info = (key: string, parent: string | undefined) => ({
    key,
    ...(parent !== undefined ? { parent } : {}),
    labels: {},
    createdAt: "2024-05-01T00:00:00.000Z",
    upperDir: `/layers/${key}/fs`,
    workDir: `/layers/${key}/work`,
  });
  return {
    async prepare(key, parent) {
      j.step("layers.prepare", `layers prepare ${key} ${parent ?? "-"}`);
      return info(key, parent);
    },
    async importActive(key, parent, from) {
      j.step("layers.importActive", `layers importActive ${key} ${parent ?? "-"} ${from.upper}`);
      return info(key, parent);
    },
    async mounts(key) {
      j.step("layers.mounts", `layers mounts ${key}`);
      return { type: "overlay", source: "overlay", options: [`upperdir=/layers/${key}/fs`] };
    },
    async changes(key, options) {
      j.step("layers.changes", `layers changes ${key} ignore=${(options?.ignore ?? []).join(",")}`);
      return [];
    },
    async remove(key) {
      j.step("layers.remove", `layers remove ${key}`);
    },
    activeDirs: (key) => ({ upper: `/layers/${key}/fs`, work: `/layers/${key}/work` }),
  };
}

/** Containers get no network of their own unless `setup` says otherwise. */
export function fakeNetwork(j: Journal, setup: Partial<NetworkSetup> = {}): NetworkPort {
  return {
    async setUp(rec) {
      j.step("network.setUp", `network setUp ${rec.name}`);
      return { network: { kind: "none" }, endpoints: [], ports: [], hostsEntries: [], resolvConf: "nameserver 10.0.0.1\n", ...setup };
    },
    async tearDown(rec) {
      j.step("network.tearDown", `network tearDown ${rec.name}`);
    },
    async connect(rec, network) {
      j.step("network.connect", `network connect ${rec.name} ${network}`);
      return { network: `id-${network}`, networkName: network, ip: "10.1.0.2", prefixLen: 24, gateway: "10.1.0.1", mac: "", aliases: [] };
    },
    async disconnect(rec, network) {
      j.step("network.disconnect", `network disconnect ${rec.name} ${network}`);
    },
    networkName(network) {
      j.step("network.networkName", `network name ${network}`);
      return network;
    },
  };
}

export interface FakeRuntime extends OciRuntime {
  /** Containers the runtime has state for. */
  readonly states: Map<string, RuntimeState>;
}

export function fakeRuntime(j: Journal): FakeRuntime {
  const states = new Map<string, RuntimeState>();
  return {
    binary: "runc",
    root: "/run/runc-test",
    states,
    async start(id) {
      j.step("runtime.start", `runtime start ${id}`);
    },
    async kill(id, signal, all) {
      j.step("runtime.kill", `runtime kill ${id} ${String(signal)}${all ? " --all" : ""}`);
    },
    async delete(id, force) {
      j.step("runtime.delete", `runtime delete ${id}${force ? " --force" : ""}`);
      states.delete(id);
    },
    async deleteStopped(id) {
      j.step("runtime.deleteStopped", `runtime deleteStopped ${id}`);
      states.delete(id);
    },
    hasState: async (id) => states.has(id),
    state: async (id) => states.get(id),
    list: async () => [...states.values()],
    async pause(id) {
      j.step("runtime.pause", `runtime pause ${id}`);
    },
    async resume(id) {
      j.step("runtime.resume", `runtime resume ${id}`);
    },
    ps: async () => [],
    async run(id) {
      j.step("runtime.run", `runtime run ${id}`);
      return { exitCode: 0, output: "", timedOut: false };
    },
  };
}

export interface FakeShim extends ShimPort {
  /** Exit files by path: what readExit answers. */
  readonly exits: Map<string, ExitInfo>;
  /** Shim pids that are alive. */
  readonly alive: Set<number>;
}

/** Each create answers a new pid pair (container pid 1000 + n, shim pid 2000 + n). */
export function fakeShim(j: Journal): FakeShim {
  const exits = new Map<string, ExitInfo>();
  const alive = new Set<number>();
  let n = 0;
  return {
    exits,
    alive,
    async create(r) {
      j.step("shim.create", `shim create ${r.id}`);
      n++;
      alive.add(2000 + n);
      return { pid: 1000 + n, shimPid: 2000 + n };
    },
    async exec(r) {
      j.step("shim.exec", `shim exec ${r.id} ${r.execId}`);
      return { pid: 3000, shimPid: 3001 };
    },
    async attach() {
      throw new Error("fakeShim: attach is not faked");
    },
    readExit: async (file) => exits.get(file),
    isAlive: async (shimPid) => alive.has(shimPid),
  };
}

export interface FakeMounter extends Mounter {
  readonly mounted: Set<string>;
}

export function fakeMounter(j: Journal): FakeMounter {
  const mounted = new Set<string>();
  return {
    mounted,
    async mount(m, target) {
      j.step("mounter.mount", `mount ${m.type} ${target}`);
      mounted.add(target);
    },
    async unmount(target) {
      j.step("mounter.unmount", `unmount ${target}`);
      mounted.delete(target);
    },
    isMounted: async (target) => mounted.has(target),
  };
}

/** Every pid is its own start time "st<pid>"; signals are journalled. */
export function fakeSignaller(j: Journal): ProcessSignaller {
  return {
    startTime: async (pid) => `st${pid}`,
    async signalIf(pid, startTime, signal) {
      j.step("signal", `signal ${pid} ${signal}`);
      return startTime === `st${pid}`;
    },
  };
}
