import { setTimeout as delay } from "node:timers/promises";
import { invalidArgument, unavailable } from "../common/errors.ts";
import { createEngineHttp, type EngineAddress, type EngineHttp } from "../compose/engine-client/engine-http.ts";
import { createHttpEngineClient } from "../compose/engine-client/http-engine-client.ts";
import type { EngineClient } from "../compose/engine-client/index.ts";
import type { DaemonPaths } from "./engine-paths.ts";

/** Which engine the CLI talks to. */
export type EngineEndpoint =
  | { readonly kind: "docker-host"; readonly host: string; readonly address: EngineAddress }
  | { readonly kind: "tstack"; readonly socketPath: string; readonly address: EngineAddress };

/** --host / DOCKER_HOST when set, else tstack's own engine socket. Pure. */
export function endpointOf(host: string | undefined, paths: DaemonPaths): EngineEndpoint {
  if (host === undefined) return { kind: "tstack", socketPath: paths.socket, address: { kind: "unix", socketPath: paths.socket } };
  return { kind: "docker-host", host, address: engineAddressOf(host) };
}

/** A DOCKER_HOST value: unix:///path, tcp://host:port, http(s)://host:port, or a bare socket path. Pure. */
export function engineAddressOf(host: string): EngineAddress {
  if (host.startsWith("unix://")) return { kind: "unix", socketPath: host.slice("unix://".length) };
  if (host.startsWith("/")) return { kind: "unix", socketPath: host };
  const m = /^(tcp|http|https):\/\/\[?([^\]/]+?)\]?(?::(\d+))?\/?$/.exec(host);
  if (m === null) throw invalidArgument(`unsupported engine host ${JSON.stringify(host)}: use unix:///path/to.sock or tcp://host:port`);
  const protocol = m[1] === "https" ? "https" : "http";
  return { kind: "tcp", protocol, host: m[2] as string, port: m[3] !== undefined ? Number(m[3]) : protocol === "https" ? 2376 : 2375 };
}

/** A line to an engine that answers: its address and the compose layer's client (plain HTTP). */
export interface EngineLine {
  readonly endpoint: EngineEndpoint;
  readonly http: EngineHttp;
  readonly client: EngineClient;
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
 * Opens a line to the engine. For tstack's own engine, starts it when its socket is absent or
 * refuses connections (a stale socket of a crashed engine), as a detached process with its own
 * session, and waits for `/_ping`. A DOCKER_HOST engine is never started.
 */
export async function openEngineLine(deps: ConnectDeps): Promise<EngineLine> {
  const endpoint = endpointOf(deps.host, deps.paths);
  const http = createEngineHttp(endpoint.address);
  if (endpoint.kind === "tstack") {
    const state = await probeEngine(http);
    if (state === "absent") {
      // Loaded only here: starting a process costs child_process and its friends at every start.
      const { startEngineInBackground } = await import("./engine-start.ts");
      const pid = await startEngineInBackground(deps, () => pings(http));
      deps.notice(`tstack: started the engine (pid ${pid}, socket ${endpoint.socketPath})`);
    } else if (state === "silent" && !(await answersWithin(http, deps.startTimeoutMs ?? 30_000))) {
      throw unavailable(`the engine on ${endpoint.socketPath} accepts connections but does not answer; see ${deps.paths.logFile}`);
    }
  }
  return { endpoint, http, client: createHttpEngineClient(http) };
}

/** Whether an engine answers, is absent (no socket, or nobody listening), or is there but silent. */
export type EngineProbe = "answers" | "absent" | "silent";

const ABSENT_CODES = new Set(["ENOENT", "ECONNREFUSED", "ENOTSOCK"]);

export async function probeEngine(http: EngineHttp, timeoutMs = 2_000): Promise<EngineProbe> {
  try {
    await http.json({ method: "GET", path: "/_ping", signal: AbortSignal.timeout(timeoutMs) });
    return "answers";
  } catch (err) {
    return ABSENT_CODES.has((err as NodeJS.ErrnoException).code ?? "") ? "absent" : "silent";
  }
}

export async function pings(http: EngineHttp): Promise<boolean> {
  return (await probeEngine(http)) === "answers";
}

async function answersWithin(http: EngineHttp, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await probeEngine(http, Math.max(100, Math.min(5_000, deadline - Date.now())))) === "answers") return true;
    if (Date.now() < deadline) await delay(100);
  }
  return false;
}
