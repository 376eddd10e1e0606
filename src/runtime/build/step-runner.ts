import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { StepRunner } from "../../build/executor/ports.ts";
import { isKind } from "../../common/errors.ts";
import type { AttachHandle, ShimPort } from "../containers/ports.ts";
import type { OciRuntime } from "../containers/runc.ts";
import { mkdirInRootfs, readRootfsFile } from "../containers/rootfs-path.ts";
import { UndoStack } from "../containers/undo-stack.ts";
import { buildSpec, renderHostnameFile, serializeSpec, type HostFacts } from "../spec/index.ts";
import type { RootfsMounts } from "./rootfs-mounts.ts";
import { STEP_HOSTNAME, stepCreateOptions, stepHostsFile } from "./step-spec.ts";

// A RUN step as a runc container on its active snapshot, through the engine's own machinery:
// the snapshot's overlay mounted (rootfs-mounts.ts), the OCI spec from the spec builder
// (step-spec.ts: host network, the plan's process), and a tstack-shim that creates the
// container; the runner attaches to the shim before `runc start`, so every byte of output is
// streamed, and the exit comes back as the shim's exit frame. Aborting kills the container.
// Whatever happens, the runc container, the mount, the bundle and the shim's state are gone
// when run() settles. The step's container is not an engine container (no record, no log
// kept, no exit-watcher entry): its exit file lives in its bundle.

export interface StepRunnerDeps {
  /** Bundles and shim state of running steps (short: attach sockets live there). */
  readonly runDir: string;
  readonly mounts: RootfsMounts;
  readonly runtime: Pick<OciRuntime, "start" | "kill" | "delete">;
  readonly shim: Pick<ShimPort, "create" | "attach" | "readExit">;
  readonly host: HostFacts;
  /** The host's resolver config, given to steps on the host's network (default /etc/resolv.conf). */
  readonly resolvConf?: () => Promise<string>;
}

const TAIL_BYTES = 8192;

export function createStepRunner(d: StepRunnerDeps): StepRunner {
  const resolvConf = d.resolvConf ?? (() => readFile("/etc/resolv.conf", "utf8").catch(() => ""));
  return {
    async run(key, process, io) {
      io.signal.throwIfAborted();
      const short = randomBytes(6).toString("hex");
      const id = `build-${short}`;
      const bundle = join(d.runDir, short);
      const stateDir = join(d.runDir, "s", short);
      const undo = new UndoStack();
      try {
        await mkdir(join(bundle, "files"), { recursive: true });
        await mkdir(join(d.runDir, "s"), { recursive: true });
        undo.push("bundle", () => rm(bundle, { recursive: true, force: true }));
        undo.push("shim state", () => rm(stateDir, { recursive: true, force: true }));
        return await d.mounts.withActive(key, async (rootfs) => {
          for (const [i, f] of process.files.entries()) await writeFile(join(bundle, "files", String(i)), f.content, { mode: f.mode });
          const files = { hosts: join(bundle, "hosts"), resolvConf: join(bundle, "resolv.conf"), hostname: join(bundle, "hostname") };
          await writeFile(files.hosts, stepHostsFile());
          await writeFile(files.resolvConf, await resolvConf());
          await writeFile(files.hostname, renderHostnameFile(STEP_HOSTNAME));
          const passwd = await readRootfsFile(rootfs, "/etc/passwd");
          const group = await readRootfsFile(rootfs, "/etc/group");
          const built = buildSpec({
            containerId: id,
            image: {},
            options: { ...stepCreateOptions(process, join(bundle, "files")), hostname: STEP_HOSTNAME },
            rootfsFiles: { ...(passwd === undefined ? {} : { passwd }), ...(group === undefined ? {} : { group }) },
            host: d.host,
            rootfsPath: rootfs,
            files,
            cgroupsPath: `/tstack-${id}`,
          });
          // The workdir (and tmpfs targets) are made in the snapshot, so they are in the layer (as BuildKit does).
          for (const dir of built.mkdirs) await mkdirInRootfs(rootfs, dir);
          await writeFile(join(bundle, "config.json"), serializeSpec(built.spec));
          return await runContainer(d, { id, bundle, stateDir }, io);
        });
      } finally {
        await undo.unwind();
      }
    },
  };
}

async function runContainer(
  d: StepRunnerDeps,
  c: { readonly id: string; readonly bundle: string; readonly stateDir: string },
  io: Parameters<StepRunner["run"]>[2],
): Promise<{ exitCode: number; outputTail: string }> {
  const exitFile = join(c.bundle, "exit.json");
  await d.shim.create({ id: c.id, bundle: c.bundle, stateDir: c.stateDir, exitFile, logPath: join(c.bundle, "output.log"), logMaxSize: 1 << 20, tty: false, stdin: false });
  // Runs before the mount is undone (the container's processes hold it).
  const deleteContainer = () =>
    d.runtime.delete(c.id, true).catch((err: unknown) => {
      if (!isKind(err, "NotFound")) throw err;
    });
  let handle: AttachHandle | undefined;
  const kill = () => void d.runtime.kill(c.id, "KILL", true).catch(() => undefined);
  try {
    handle = await d.shim.attach(c.stateDir);
    let tail = "";
    const decoder = new TextDecoder();
    const pump = (async () => {
      for await (const frame of (handle as AttachHandle).output) {
        const text = decoder.decode(frame.data, { stream: true });
        io.onOutput?.(text);
        tail = (tail + text).slice(-TAIL_BYTES);
      }
    })();
    io.signal.addEventListener("abort", kill, { once: true });
    if (io.signal.aborted) kill();
    else await d.runtime.start(c.id);
    const exit = (await handle.exit) ?? (await d.shim.readExit(exitFile));
    await pump;
    io.signal.throwIfAborted();
    return { exitCode: exit?.exitCode ?? -1, outputTail: tail };
  } catch (err) {
    kill();
    throw err;
  } finally {
    io.signal.removeEventListener("abort", kill);
    handle?.close();
    await deleteContainer();
  }
}
