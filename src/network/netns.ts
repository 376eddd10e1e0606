import { mkdir, open, readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { failedPrecondition, invalidArgument } from "../common/errors.ts";
import type { ProcessRunner } from "../common/spawn/process-runner.ts";

/**
 * Persistent network namespaces at `<runRoot>/netns/<containerId>`: an nsfs bind mount on an empty
 * file, so the namespace outlives any process in it and runc can join it by path.
 *
 * The directory is made its own mount point with shared propagation, as `ip netns` does for
 * /var/run/netns: a mount namespace created later (a container's) gets a copy of the netns
 * mounts, and because they are peers our unmount propagates into it, so the namespace is really
 * freed. (A private directory would leave those copies pinning the namespace.)
 */
export interface NetnsManager {
  readonly dir: string;
  pathOf(containerId: string): string;
  /** Creates the namespace with `lo` up. On any failure nothing is left behind. */
  create(containerId: string): Promise<string>;
  /** Unmounts and unlinks; a missing namespace is fine (idempotent). */
  destroy(containerId: string): Promise<void>;
  /** Container ids with a namespace file present. */
  list(): Promise<string[]>;
  /** Unmounts the namespace directory itself when no namespace is left in it. */
  releaseDir(): Promise<void>;
}

const ID_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

export interface NetnsDeps {
  readonly runner: ProcessRunner;
  readonly runRoot: string;
  readonly mountinfo?: () => Promise<string>;
  /**
   * Lazily unmounts one namespace file; a path that is not mounted is fine. Default: the
   * `umount --lazy` program through the runner (the engine passes umount2(2) instead).
   */
  readonly unmount?: (path: string) => Promise<void>;
}

export function createNetnsManager(deps: NetnsDeps): NetnsManager {
  const dir = join(deps.runRoot, "netns");
  const mountinfo = deps.mountinfo ?? (() => readFile("/proc/self/mountinfo", "utf8"));
  let dirReady: Promise<void> | undefined;

  const pathOf = (id: string) => {
    if (!ID_RE.test(id)) throw invalidArgument(`invalid container id ${JSON.stringify(id)} for a network namespace`);
    return join(dir, id);
  };

  async function isMountPoint(path: string): Promise<boolean> {
    const text = await mountinfo();
    // Field 5 is the mount point; spaces are escaped as \040.
    return text.split("\n").some((l) => l.split(" ")[4]?.replace(/\\040/g, " ") === path);
  }

  async function prepareDir(): Promise<void> {
    await mkdir(dir, { recursive: true, mode: 0o755 });
    if (!(await isMountPoint(dir))) await deps.runner.run("mount", ["--bind", dir, dir]);
    await deps.runner.run("mount", ["--make-shared", dir]);
  }

  const unmount = deps.unmount ?? unmountWithProgram;
  async function unmountWithProgram(path: string): Promise<void> {
    const r = await deps.runner.run("umount", ["--lazy", path], { allowFailure: true });
    // "not mounted" is the state we want; anything else is a real failure.
    if (r.exitCode !== 0 && !/not mounted|no mount point|not found/i.test(r.stderr)) {
      throw failedPrecondition(`cannot unmount network namespace ${path}: ${r.stderr.trim()}`);
    }
  }

  return {
    dir,
    pathOf,
    async create(containerId) {
      const path = pathOf(containerId);
      dirReady ??= prepareDir().catch((err: unknown) => {
        dirReady = undefined;
        throw err;
      });
      await dirReady;
      const fh = await open(path, "wx", 0o444).catch((err: unknown) => {
        if ((err as { code?: string }).code === "EEXIST") throw failedPrecondition(`network namespace for ${containerId} already exists`, err);
        throw err;
      });
      await fh.close();
      try {
        // One process: new netns bound onto the file, then `lo` up inside it.
        await deps.runner.run("unshare", [`--net=${path}`, "ip", "link", "set", "lo", "up"]);
      } catch (err) {
        await unmount(path).catch(() => undefined);
        await rm(path, { force: true });
        throw failedPrecondition(`cannot create network namespace for ${containerId}: ${(err as Error).message}`, err);
      }
      return path;
    },
    async destroy(containerId) {
      const path = pathOf(containerId);
      // No file, no namespace: a bind-mounted file cannot be unlinked, so a missing one was
      // unmounted before. Saves an umount process on every repeated teardown.
      if (!(await stat(path).then(() => true, () => false))) return;
      await unmount(path);
      await rm(path, { force: true });
    },
    async releaseDir() {
      const left = await readdir(dir).catch(() => [] as string[]);
      if (left.some((n) => ID_RE.test(n))) return;
      dirReady = undefined;
      if (await isMountPoint(dir)) await unmount(dir);
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    },
    async list() {
      try {
        return (await readdir(dir)).filter((n) => ID_RE.test(n));
      } catch (err) {
        if ((err as { code?: string }).code === "ENOENT") return [];
        throw err;
      }
    },
  };
}
