import { join } from "node:path";

/**
 * Every path the engine uses, derived from two roots: persistent state (`/var/lib/tstack`)
 * and runtime state that a reboot clears (`/run/tstack`). Injected everywhere so tests
 * run engines side by side with their own roots.
 */
export interface EnginePaths {
  readonly stateRoot: string;
  readonly runRoot: string;
  readonly content: string;
  readonly images: string;
  readonly snapshots: string;
  readonly containers: string;
  readonly volumes: string;
  readonly networks: string;
  readonly runcRoot: string;
  readonly exits: string;
  /** The image builder's cache records (persistent). */
  readonly buildCache: string;
  /** Build steps' bundles, mount points and shim state (short: attach sockets live there). */
  readonly buildRun: string;
  readonly socket: string;
  readonly lockFile: string;
  container(id: string): ContainerPaths;
  /** An exec's shim state (attach socket, exit file): short, as socket paths are limited to 107 bytes. */
  execDir(execId: string): string;
}

export interface ContainerPaths {
  readonly dir: string; // persistent: record, log, hosts files
  readonly record: string;
  readonly log: string;
  readonly hosts: string;
  readonly resolvConf: string;
  readonly hostname: string;
  readonly bundle: string; // runtime: config.json + rootfs mount point
  readonly rootfs: string;
  /**
   * Where engines before the snapshotter owned writable layers kept the container's upper and
   * work dirs; moved into the snapshotter at start (ContainerEngine.adopt).
   */
  readonly legacyLayer: { readonly dir: string; readonly upper: string; readonly work: string };
  readonly shimState: string;
  readonly exitFile: string;
  readonly netns: string;
}

export function enginePaths(stateRoot = "/var/lib/tstack", runRoot = "/run/tstack"): EnginePaths {
  const containers = join(stateRoot, "containers");
  const exits = join(runRoot, "exits");
  return {
    stateRoot,
    runRoot,
    content: join(stateRoot, "content"),
    images: join(stateRoot, "images"),
    snapshots: join(stateRoot, "snapshotter"),
    containers,
    volumes: join(stateRoot, "volumes"),
    networks: join(stateRoot, "networks"),
    runcRoot: join(runRoot, "runc"),
    exits,
    buildCache: join(stateRoot, "build-cache"),
    buildRun: join(runRoot, "b"),
    socket: join(runRoot, "engine.sock"),
    lockFile: join(runRoot, "engine.lock"),
    execDir: (execId) => join(runRoot, "x", execId.slice(0, 16)),
    container(id) {
      const dir = join(containers, id);
      const run = join(runRoot, "containers", id);
      return {
        dir,
        record: join(dir, "container.json"),
        log: join(dir, `${id}-json.log`),
        hosts: join(dir, "hosts"),
        resolvConf: join(dir, "resolv.conf"),
        hostname: join(dir, "hostname"),
        legacyLayer: { dir: join(dir, "fs"), upper: join(dir, "fs", "upper"), work: join(dir, "fs", "work") },
        bundle: run,
        rootfs: join(run, "rootfs"),
        // Short: it holds the attach socket, whose path may not exceed 107 bytes.
        shimState: join(runRoot, "s", id.slice(0, 16)),
        exitFile: join(exits, `${id}.json`),
        netns: join(runRoot, "netns", id),
      };
    },
  };
}
