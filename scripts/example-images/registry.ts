import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { mkdir, open, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { failedPrecondition, unavailable } from "../../src/common/errors.ts";

// The example's loopback registry: Debian's docker-registry on 127.0.0.1:5000 by default,
// storing under .cache/example-registry/ so pushed images survive restarts. It runs
// detached (it must outlive the build script, as the stack pulls from it later) and is
// stopped through its pid file — only if that pid is still this registry.

export interface ExampleRegistryOptions {
  readonly dir: string; // .cache/example-registry
  readonly addr?: string; // host:port, loopback only
  readonly binary?: string;
}

export interface RegistryStart {
  readonly addr: string;
  readonly started: boolean; // false: one was already answering there
  readonly pid: number | undefined;
}

export const DEFAULT_REGISTRY_ADDR = "127.0.0.1:5000";

export async function registryAnswers(addr: string): Promise<boolean> {
  return fetch(`http://${addr}/v2/`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.status === 200,
    () => false,
  );
}

export function registryConfig(addr: string, storage: string): string {
  return [
    "version: 0.1",
    "log:",
    "  level: warn",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${storage}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: ${addr}`,
    "",
  ].join("\n");
}

export async function startExampleRegistry(options: ExampleRegistryOptions): Promise<RegistryStart> {
  const addr = options.addr ?? DEFAULT_REGISTRY_ADDR;
  const binary = options.binary ?? "/usr/bin/docker-registry";
  if (await registryAnswers(addr)) return { addr, started: false, pid: await readPid(options.dir) };
  const dir = resolve(options.dir);
  await mkdir(join(dir, "storage"), { recursive: true });
  const config = join(dir, "config.yml");
  await writeFile(config, registryConfig(addr, join(dir, "storage")));
  const logFile = await open(join(dir, "registry.log"), "a");
  const child = spawn(binary, ["serve", config], { detached: true, stdio: ["ignore", logFile.fd, logFile.fd] });
  // Listen before the first await: "spawn" fires on a later tick.
  const spawned = new Promise<void>((res, rej) => {
    child.once("spawn", res);
    child.once("error", rej);
  });
  let exitCode: number | null = null;
  child.once("exit", (code) => (exitCode = code ?? -1));
  await logFile.close();
  await spawned.catch((err: unknown) => {
    throw failedPrecondition(`cannot run ${binary} (Debian package docker-registry)`, err);
  });
  child.unref();
  const pid = child.pid!;
  await writeFile(join(dir, "registry.pid"), `${pid}\n`);
  const deadline = Date.now() + 15_000;
  while (!(await registryAnswers(addr))) {
    if (exitCode !== null || Date.now() > deadline) {
      if (exitCode === null) process.kill(pid, "SIGKILL");
      await rm(join(dir, "registry.pid"), { force: true });
      const log = await readFile(join(dir, "registry.log"), "utf8").catch(() => "");
      throw unavailable(`docker-registry did not come up on ${addr}: ${log.trim().split("\n").slice(-3).join(" | ")}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { addr, started: true, pid };
}

// The pid of the example's registry when it runs: a stale pid file may name a process that has
// nothing to do with us now, so the process must be serving this directory's config.
async function ourRegistryPid(dir: string): Promise<number | undefined> {
  const pid = await readPid(dir);
  if (pid === undefined) return undefined;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  return cmdline.includes(join(resolve(dir), "config.yml")) ? pid : undefined;
}

export async function portIsFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once("error", () => res(false));
    srv.listen(port, host, () => srv.close(() => res(true)));
  });
}

/**
 * Where the example's registry is to serve: where ours already runs, else 127.0.0.1:5000 when
 * that port is free, else the first free port above it. Never a port something else holds: the
 * example does not push into a registry (or talk to a service) that the user runs there.
 */
export async function chooseExampleRegistryAddr(dir: string, isFree: (port: number) => Promise<boolean> = portIsFree): Promise<string> {
  if ((await ourRegistryPid(dir)) !== undefined) {
    const addr = /^\s*addr:\s*(\S+)\s*$/m.exec(await readFile(join(dir, "config.yml"), "utf8").catch(() => ""))?.[1];
    if (addr !== undefined) return addr;
  }
  for (let port = 5000; port < 5100; port++) if (await isFree(port)) return `127.0.0.1:${port}`;
  throw unavailable("no free port in 127.0.0.1:5000-5099 for the example's registry");
}

export async function stopExampleRegistry(options: Pick<ExampleRegistryOptions, "dir">): Promise<{ readonly stopped: boolean }> {
  const pidFile = join(options.dir, "registry.pid");
  const pid = await ourRegistryPid(options.dir);
  if (pid === undefined) {
    await rm(pidFile, { force: true });
    return { stopped: false };
  }
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 5_000;
  while (await alive(pid)) {
    if (Date.now() > deadline) process.kill(pid, "SIGKILL");
    await new Promise((r) => setTimeout(r, 50));
  }
  await rm(pidFile, { force: true });
  return { stopped: true };
}

async function readPid(dir: string): Promise<number | undefined> {
  const text = await readFile(join(dir, "registry.pid"), "utf8").catch(() => "");
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function alive(pid: number): Promise<boolean> {
  // A zombie (exited, not yet reaped by init) counts as gone.
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return stat !== "" && !/\) Z /.test(stat);
}

// node --import tsx scripts/example-images/registry.ts addr|start|stop|status [host:port]
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = resolve(import.meta.dirname, "../../.cache/example-registry");
  const [cmd = "status", addr = DEFAULT_REGISTRY_ADDR] = process.argv.slice(2);
  if (cmd === "addr") {
    console.log(await chooseExampleRegistryAddr(dir));
  } else if (cmd === "start") {
    const r = await startExampleRegistry({ dir, addr });
    console.log(r.started ? `registry started on ${r.addr} (pid ${r.pid}, storage ${dir}/storage)` : `registry already answering on ${r.addr}`);
  } else if (cmd === "stop") {
    console.log((await stopExampleRegistry({ dir })).stopped ? "registry stopped" : "no registry of ours was running");
  } else {
    console.log((await registryAnswers(addr)) ? `registry answering on ${addr}` : `no registry on ${addr}`);
  }
}
