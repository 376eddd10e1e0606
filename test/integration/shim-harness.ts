import { spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { hostProgram } from "../support/host-programs.ts";
import { parseLogLine, readExitFile, shimBinaryPath, startShim, type ExitInfo, type LogLine, type ShimStarted } from "../../src/runtime/shim/index.ts";

// Fixtures for the tstack-shim integration tests: a busybox bundle, a private runc root,
// and cleanup of every container, shim and directory a test made, even when it fails.

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const RUNC = hostProgram("runc");

// TSTACK_TEST_SHIM runs the tests against another build (e.g. one with -fsanitize=address).
export async function buildShim(): Promise<string> {
  await execa("make", ["-s", "-C", join(REPO_ROOT, "native")]);
  return shimBinaryPath(process.env.TSTACK_TEST_SHIM);
}

export interface ProcessSpec {
  readonly args: readonly string[];
  readonly terminal?: boolean;
}

async function busyboxRootfs(rootfs: string): Promise<void> {
  await mkdir(join(rootfs, "bin"), { recursive: true });
  for (const d of ["proc", "sys", "dev", "tmp", "etc"]) await mkdir(join(rootfs, d), { recursive: true });
  await copyFile("/bin/busybox", join(rootfs, "bin/busybox"));
  const { stdout } = await execa("/bin/busybox", ["--list"]);
  for (const applet of stdout.split("\n").filter((a) => a && a !== "busybox")) {
    await symlink("busybox", join(rootfs, "bin", applet)).catch(() => undefined);
  }
}

const PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// The rlimits `runc spec` writes (RLIMIT_NOFILE 1024), clamped to this host's hard limits:
// a container may not be given more than the host allows.
async function clampRlimits(limits: { type: string; hard: number; soft: number }[]): Promise<void> {
  const rows: Record<string, string> = { RLIMIT_NOFILE: "Max open files", RLIMIT_NPROC: "Max processes", RLIMIT_CORE: "Max core file size" };
  const table = await readFile("/proc/self/limits", "utf8");
  for (const l of limits) {
    const row = rows[l.type];
    const m = row ? new RegExp(`^${row}\\s+(\\S+)\\s+(\\S+)`, "m").exec(table) : null;
    const hard = m?.[2];
    if (hard === undefined || hard === "unlimited") continue;
    l.hard = Math.min(l.hard, Number(hard));
    l.soft = Math.min(l.soft, l.hard);
  }
}

export class ShimWorld {
  readonly dir: string;
  readonly runcRoot: string;
  readonly binary: string;
  #ids = new Set<string>();
  #shimPids = new Set<number>();
  #seq = 0;

  private constructor(dir: string, runcRoot: string, binary: string) {
    this.dir = dir;
    this.runcRoot = runcRoot;
    this.binary = binary;
  }

  static async create(binary: string): Promise<ShimWorld> {
    const dir = await mkdtemp(join(tmpdir(), "tstack-shim-it-"));
    const runcRoot = await mkdtemp("/run/tstack-test-runc-");
    const w = new ShimWorld(dir, runcRoot, binary);
    await busyboxRootfs(join(dir, "rootfs"));
    await mkdir(join(dir, "exits"));
    await mkdir(join(dir, "state"));
    await mkdir(join(dir, "logs"));
    return w;
  }

  newId(): string {
    const id = `shimtest-${process.pid}-${++this.#seq}`;
    this.#ids.add(id);
    return id;
  }

  // A bundle whose rootfs is the shared busybox tree (readonly: false; nothing writes to it).
  async bundle(id: string, proc: ProcessSpec): Promise<string> {
    const bundle = join(this.dir, "bundles", id);
    await mkdir(bundle, { recursive: true });
    await execa(RUNC, ["spec", "--bundle", bundle]);
    const cfg = JSON.parse(await readFile(join(bundle, "config.json"), "utf8"));
    cfg.root = { path: join(this.dir, "rootfs"), readonly: false };
    cfg.process.args = proc.args;
    cfg.process.terminal = proc.terminal ?? false;
    cfg.process.env = [PATH_ENV, "TERM=xterm"];
    await clampRlimits(cfg.process.rlimits ?? []);
    await writeFile(join(bundle, "config.json"), JSON.stringify(cfg, null, 2));
    return bundle;
  }

  async processFile(name: string, proc: ProcessSpec): Promise<string> {
    const p = join(this.dir, `${name}.process.json`);
    const spec = { terminal: proc.terminal ?? false, args: proc.args, env: [PATH_ENV, "TERM=xterm"], cwd: "/", user: { uid: 0, gid: 0 } };
    await writeFile(p, JSON.stringify(spec));
    return p;
  }

  paths(name: string) {
    return {
      stateDir: join(this.dir, "state", name),
      exitFile: join(this.dir, "exits", `${name}.json`),
      logPath: join(this.dir, "logs", `${name}.log`),
    };
  }

  common(name: string) {
    const { stateDir, exitFile } = this.paths(name);
    return { binary: this.binary, runtime: RUNC, runtimeRoot: this.runcRoot, stateDir, exitFile };
  }

  // Starts a create-mode shim for a fresh container; returns once the container is created.
  async create(
    proc: ProcessSpec,
    extra: { tty?: boolean; stdin?: boolean; logMaxSize?: number; logMaxFiles?: number; start?: boolean; runtime?: string } = {},
  ): Promise<{ id: string; started: ShimStarted; exitFile: string; logPath: string; attachPath: string }> {
    const id = this.newId();
    const bundle = await this.bundle(id, { ...proc, terminal: extra.tty ?? proc.terminal });
    const { logPath, exitFile, stateDir } = this.paths(id);
    const started = await startShim({ mode: "create", id, bundle, logPath, ...this.common(id), ...extra }, { spawn });
    this.#shimPids.add(started.shimPid);
    return { id, started, exitFile, logPath, attachPath: join(stateDir, "attach.sock") };
  }

  trackShim(pid: number): void {
    this.#shimPids.add(pid);
  }

  async runc(...args: string[]): Promise<void> {
    await execa(RUNC, ["--root", this.runcRoot, ...args]);
  }

  async start(id: string): Promise<void> {
    await this.runc("start", id);
  }

  async waitExit(exitFile: string, timeoutMs = 15_000): Promise<ExitInfo> {
    return eventually(async () => {
      const e = await readExitFile(exitFile);
      if (!e) throw new Error(`no exit file ${exitFile} yet`);
      return e;
    }, timeoutMs);
  }

  async logLines(logPath: string): Promise<LogLine[]> {
    const text = await readFile(logPath, "utf8").catch(() => "");
    return text
      .split("\n")
      .filter(Boolean)
      .map((l) => parseLogLine(l));
  }

  async dispose(): Promise<void> {
    for (const id of this.#ids) await execa(RUNC, ["--root", this.runcRoot, "delete", "-f", id], { reject: false });
    // Shims end once their container is gone; one still alive (a test failed mid-way) is ours to stop.
    for (const pid of this.#shimPids) {
      if (!(await gone(pid, 3000))) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          /* already gone */
        }
      }
    }
    await rm(this.dir, { recursive: true, force: true });
    await rm(this.runcRoot, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function gone(pid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await sleep(20);
  }
  return !alive(pid);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > until) throw err;
      await sleep(everyMs);
    }
  }
}

export async function vmRssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!m?.[1]) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}
