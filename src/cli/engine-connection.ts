import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, closeSync, readFileSync } from "node:fs";
import { Agent, type AgentOptions } from "node:http";
import { dirname } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import type Dockerode from "dockerode";
import { invalidArgument, unavailable } from "../common/errors.ts";
import type { EngineClient } from "../compose/engine-client/index.ts";
import type { DaemonPaths } from "./engine-paths.ts";

/** Which engine the CLI talks to. */
export type EngineEndpoint =
  | { readonly kind: "docker-host"; readonly host: string; readonly options: Dockerode.DockerOptions }
  | { readonly kind: "tstack"; readonly socketPath: string };

/** --host / DOCKER_HOST when set, else tstack's own engine socket. Pure. */
export function endpointOf(host: string | undefined, paths: DaemonPaths): EngineEndpoint {
  if (host === undefined) return { kind: "tstack", socketPath: paths.socket };
  return { kind: "docker-host", host, options: dockerOptionsOf(host) };
}

/**
 * dockerode options for a unix socket. The Host header is set, as the docker CLI does, and the
 * agent carries an empty TLS server name: otherwise Node derives a server name from the host for
 * every request and tests it against its IPv6 pattern, whose first use compiles a regular
 * expression that cost 10–130 ms of every command's start (measured: 14 ms of a 150 ms run).
 */
export function unixSocketOptions(socketPath: string): Dockerode.DockerOptions {
  return { socketPath, headers: { Host: "api.moby.localhost" }, agent: unixAgent() } as Dockerode.DockerOptions;
}

let sharedAgent: Agent | undefined;
function unixAgent(): Agent {
  // keepAlive as Node's global agent has it: idle sockets are unref'd, so they never hold the CLI.
  sharedAgent ??= new Agent({ keepAlive: true, servername: "" } as AgentOptions);
  return sharedAgent;
}

/** dockerode options for a DOCKER_HOST value: unix:///path, tcp://host:port, http(s)://host:port, or a bare socket path. */
export function dockerOptionsOf(host: string): Dockerode.DockerOptions {
  if (host.startsWith("unix://")) return unixSocketOptions(host.slice("unix://".length));
  if (host.startsWith("/")) return unixSocketOptions(host);
  const m = /^(tcp|http|https):\/\/\[?([^\]/]+?)\]?(?::(\d+))?\/?$/.exec(host);
  if (m === null) throw invalidArgument(`unsupported engine host ${JSON.stringify(host)}: use unix:///path/to.sock or tcp://host:port`);
  const protocol = m[1] === "https" ? "https" : "http";
  return { protocol, host: m[2] as string, port: m[3] !== undefined ? Number(m[3]) : protocol === "https" ? 2376 : 2375 };
}

/** An open line to an engine: dockerode for everything, and the compose layer's client over it. */
export interface EngineConnection {
  readonly docker: Dockerode;
  readonly client: EngineClient;
  readonly endpoint: EngineEndpoint;
}

export interface ConnectDeps {
  readonly paths: DaemonPaths;
  readonly host?: string;
  /** The command that runs this CLI (`tstack engine` is appended). */
  readonly selfCommand: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where the one "started the engine" line goes. */
  readonly notice: (line: string) => void;
  readonly startTimeoutMs?: number;
}

/**
 * Connects to the engine. For tstack's own engine, starts it when its socket is absent or
 * refuses connections (a stale socket of a crashed engine), as a detached process with its own
 * session, and waits for `/_ping`. A DOCKER_HOST engine is never started.
 */
export async function connectEngine(deps: ConnectDeps): Promise<EngineConnection> {
  const { default: Docker } = await import("dockerode");
  const { createDockerodeClient } = await import("../compose/engine-client/index.ts");
  const endpoint = endpointOf(deps.host, deps.paths);
  const docker = new Docker(endpoint.kind === "tstack" ? unixSocketOptions(endpoint.socketPath) : endpoint.options);
  if (endpoint.kind === "tstack") {
    const state = await probeEngine(docker);
    if (state === "absent") {
      const pid = await startEngineInBackground(deps, () => pings(docker));
      deps.notice(`tstack: started the engine (pid ${pid}, socket ${endpoint.socketPath})`);
    } else if (state === "silent" && !(await answersWithin(docker, deps.startTimeoutMs ?? 30_000))) {
      // Busy, not gone: starting a second engine would only fail on its lock.
      throw unavailable(`the engine on ${endpoint.socketPath} accepts connections but does not answer; see ${deps.paths.logFile}`);
    }
  }
  return { docker, client: createDockerodeClient(docker), endpoint };
}

/** Whether an engine answers, is absent (no socket, or nobody listening), or is there but silent. */
export type EngineProbe = "answers" | "absent" | "silent";

const ABSENT_CODES = new Set(["ENOENT", "ECONNREFUSED", "ENOTSOCK"]);

export async function probeEngine(docker: Dockerode, timeoutMs = 2_000): Promise<EngineProbe> {
  try {
    await (docker as unknown as { ping(o: object): Promise<unknown> }).ping({ abortSignal: AbortSignal.timeout(timeoutMs) });
    return "answers";
  } catch (err) {
    return ABSENT_CODES.has((err as NodeJS.ErrnoException).code ?? "") ? "absent" : "silent";
  }
}

export async function pings(docker: Dockerode): Promise<boolean> {
  return (await probeEngine(docker)) === "answers";
}

async function answersWithin(docker: Dockerode, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await probeEngine(docker, Math.max(100, Math.min(5_000, deadline - Date.now())))) === "answers") return true;
    if (Date.now() < deadline) await delay(100);
  }
  return false;
}

/**
 * Spawns `tstack engine` detached (new session, stdio to the log file) and waits until `ready`
 * answers. Fails early with the log's tail when the engine process exits first.
 */
export async function startEngineInBackground(deps: ConnectDeps, ready: () => Promise<boolean>): Promise<number> {
  const { paths } = deps;
  mkdirSync(dirname(paths.logFile), { recursive: true });
  const fd = openSync(paths.logFile, "a");
  const [cmd, ...args] = deps.selfCommand;
  if (cmd === undefined) throw invalidArgument("no command to start the engine with");
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let child;
  try {
    child = spawn(cmd, [...args, "engine"], {
      detached: true,
      stdio: ["ignore", fd, fd],
      env: { ...deps.env, TSTACK_STATE_ROOT: paths.stateRoot, TSTACK_RUN_ROOT: paths.runRoot, TSTACK_SOCKET: paths.socket },
    });
  } finally {
    closeSync(fd);
  }
  child.on("exit", (code, signal) => (exited = { code, signal }));
  child.on("error", (err) => (exited = { code: null, signal: null, ...{ err } }));
  child.unref();
  const deadline = Date.now() + (deps.startTimeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    if (existsSync(paths.socket) && (await ready())) return child.pid ?? 0;
    if (exited !== undefined) {
      throw unavailable(`the engine exited while starting (${exited.signal ?? `code ${exited.code}`}); its log ${paths.logFile} ends with:\n${tail(paths.logFile, 10)}`);
    }
    await delay(50);
  }
  throw unavailable(`the engine did not answer on ${paths.socket} within ${Math.round((deps.startTimeoutMs ?? 10_000) / 1000)} s; see ${paths.logFile}`);
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
