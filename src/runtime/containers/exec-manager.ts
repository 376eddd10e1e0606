import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { conflict, notFound } from "../../common/errors.ts";
import type { EnginePaths } from "../engine-paths.ts";
import type { EventBus } from "../events/event-bus.ts";
import { resolveUser, serializeJson, type OciSpec } from "../spec/index.ts";
import type { ContainerRecord } from "./container-record.ts";
import type { ContainerStore } from "./container-store.ts";
import { execProcess } from "./probe-process.ts";
import type { AttachHandle, ShimPort } from "./ports.ts";
import { readRootfsFile } from "./rootfs-path.ts";

// `docker exec`: a process started in a running container under its own shim (so it, too,
// outlives the engine), attached through the shim's socket, its exit code recorded.

export interface ExecRequest {
  readonly cmd: readonly string[];
  readonly env?: readonly string[];
  readonly user?: string;
  readonly workingDir?: string;
  readonly tty?: boolean;
  readonly attachStdin?: boolean;
  readonly privileged?: boolean;
}

export interface ExecInfo {
  readonly id: string;
  readonly containerId: string;
  readonly request: ExecRequest;
  readonly running: boolean;
  readonly exitCode: number | null;
  readonly pid: number;
}

interface ExecRecord {
  readonly id: string;
  readonly containerId: string;
  readonly request: ExecRequest;
  pid: number;
  started: boolean;
  exitCode: number | null;
}

export interface ExecManagerDeps {
  readonly paths: EnginePaths;
  readonly shim: ShimPort;
  readonly store: ContainerStore;
  readonly events: EventBus;
  readonly randomId: () => string;
  readonly now: () => Date;
}

export class ExecManager {
  private readonly execs = new Map<string, ExecRecord>();

  constructor(private readonly d: ExecManagerDeps) {}

  private dir(e: { id: string }): string {
    return this.d.paths.execDir(e.id);
  }

  create(rec: ContainerRecord, request: ExecRequest): string {
    if (request.cmd.length === 0) throw conflict("No exec command specified");
    const id = this.d.randomId();
    this.execs.set(id, { id, containerId: rec.id, request, pid: 0, started: false, exitCode: null });
    this.d.events.emit({ type: "container", action: `exec_create: ${request.cmd.join(" ")}`, id: rec.id, attributes: { execID: id } });
    return id;
  }

  private get(id: string): ExecRecord {
    const e = this.execs.get(id);
    if (!e) throw notFound(`No such exec instance: ${id}`);
    return e;
  }

  /** Starts the process; with `attach`, also connects to its output (and stdin). */
  async start(id: string, opts: { attach: boolean }): Promise<AttachHandle | undefined> {
    const e = this.get(id);
    if (e.started) throw conflict(`exec ${id} has already been started`);
    const rec = this.d.store.get(e.containerId);
    if (rec.state.status !== "running") throw conflict(`Container ${rec.id} is not running`);
    const bundle = this.d.paths.container(rec.id);
    const spec = JSON.parse(await readFile(join(bundle.bundle, "config.json"), "utf8")) as OciSpec;
    const user = e.request.user
      ? resolveUser({
          user: e.request.user,
          passwd: await readRootfsFile(bundle.rootfs, "/etc/passwd"),
          group: await readRootfsFile(bundle.rootfs, "/etc/group"),
        })
      : undefined;
    const proc = execProcess(spec, {
      args: e.request.cmd,
      ...(e.request.env ? { env: e.request.env } : {}),
      ...(e.request.workingDir ? { cwd: e.request.workingDir } : {}),
      ...(user ? { user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids } } : {}),
      tty: e.request.tty ?? false,
      privileged: e.request.privileged ?? false,
    });
    const dir = this.dir(e);
    await mkdir(dir, { recursive: true });
    const processFile = join(dir, "process.json");
    await writeFile(processFile, serializeJson(proc));
    e.started = true;
    const { pid } = await this.d.shim.exec({
      id: rec.id,
      execId: e.id,
      processFile,
      stateDir: dir,
      exitFile: join(dir, "exit.json"),
      tty: e.request.tty ?? false,
      stdin: e.request.attachStdin ?? false,
      ...(opts.attach ? { waitAttachMs: 5000 } : {}),
    });
    e.pid = pid;
    this.d.events.emit({ type: "container", action: `exec_start: ${e.request.cmd.join(" ")}`, id: rec.id, attributes: { execID: e.id } });
    const watchExit = async () => {
      for (;;) {
        const exit = await this.d.shim.readExit(join(dir, "exit.json"));
        if (exit) {
          e.exitCode = exit.exitCode;
          this.d.events.emit({ type: "container", action: "exec_die", id: rec.id, attributes: { execID: e.id, exitCode: String(exit.exitCode) } });
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    if (!opts.attach) {
      void watchExit();
      return undefined;
    }
    const handle = await this.d.shim.attach(dir);
    void handle.exit.then(async (exit) => {
      if (exit) e.exitCode = exit.exitCode;
      else await watchExit();
    });
    return handle;
  }

  async inspect(id: string): Promise<ExecInfo> {
    const e = this.get(id);
    if (e.started && e.exitCode === null) {
      const exit = await this.d.shim.readExit(join(this.dir(e), "exit.json"));
      if (exit) e.exitCode = exit.exitCode;
    }
    return {
      id: e.id,
      containerId: e.containerId,
      request: e.request,
      running: e.started && e.exitCode === null,
      exitCode: e.exitCode,
      pid: e.pid,
    };
  }

  /** Drops the records of a removed container's execs. */
  forget(containerId: string): void {
    for (const [id, e] of this.execs) if (e.containerId === containerId) this.execs.delete(id);
  }

  async cleanup(containerId: string): Promise<void> {
    for (const e of [...this.execs.values()]) {
      if (e.containerId === containerId) await rm(this.dir(e), { recursive: true, force: true });
    }
    this.forget(containerId);
  }
}
