import type { ContainerCreateBody } from "./docker-shapes.ts";
import type { ContainerDetails, ContainerStatus, ContainerSummary, EngineClient, HealthStatus, PortSummary } from "./engine-client.ts";
import { filtersOf, labelsOf, seg, strings, type EngineCalls } from "./http-call.ts";

type ContainerCalls = Pick<
  EngineClient,
  | "listContainers"
  | "inspectContainer"
  | "createContainer"
  | "startContainer"
  | "stopContainer"
  | "removeContainer"
  | "renameContainer"
  | "waitContainer"
  | "restartContainer"
  | "killContainer"
  | "pauseContainer"
  | "unpauseContainer"
  | "topContainer"
  | "resizeContainerTty"
>;

/** Containers: their lifecycle, and Docker's list and inspect shapes read into tstack's. */
export function containerCalls({ call, goalHolds }: EngineCalls): ContainerCalls {
  const post = (what: string, c: string, verb: string, query: Readonly<Record<string, string | number | boolean | undefined>> = {}, signal?: AbortSignal) =>
    call<unknown>(what, { method: "POST", path: `/containers/${seg(c)}/${verb}`, query, signal }).then(() => undefined);
  return {
    listContainers: async (f, o) => {
      const query = { all: f.live !== true, filters: filtersOf(f, f.ids !== undefined ? { id: f.ids } : {}) };
      return (await call<unknown[]>("list containers", { method: "GET", path: "/containers/json", query, signal: o?.signal })).map(containerSummaryOf);
    },

    inspectContainer: async (c, o) => containerDetailsOf(await call(`inspect container ${c}`, { method: "GET", path: `/containers/${seg(c)}/json`, signal: o?.signal })),

    createContainer: async (name, body: ContainerCreateBody, o) => {
      const r = await call<{ Id?: string; Warnings?: string[] | null }>(`create container ${name}`, { method: "POST", path: "/containers/create", query: { name }, body, signal: o?.signal });
      return { id: String(r?.Id ?? ""), warnings: r?.Warnings ?? [] };
    },

    startContainer: (c, o) => goalHolds(`start container ${c}`, { method: "POST", path: `/containers/${seg(c)}/start`, signal: o?.signal }),

    stopContainer: (c, o) => goalHolds(`stop container ${c}`, { method: "POST", path: `/containers/${seg(c)}/stop`, query: { t: o?.timeoutSeconds }, signal: o?.signal }),

    removeContainer: async (c, o) =>
      void (await call(`remove container ${c}`, { method: "DELETE", path: `/containers/${seg(c)}`, query: { force: o?.force ?? false, v: o?.volumes ?? false }, signal: o?.signal })),

    renameContainer: (c, name, o) => post(`rename container ${c} to ${name}`, c, "rename", { name }, o?.signal),

    waitContainer: async (c, o) => {
      const r = await call<{ StatusCode?: number }>(`wait for container ${c}`, { method: "POST", path: `/containers/${seg(c)}/wait`, query: { condition: o?.condition ?? "not-running" }, signal: o?.signal });
      return { statusCode: r?.StatusCode ?? -1 };
    },

    restartContainer: (c, o) => post(`restart container ${c}`, c, "restart", { t: o?.timeoutSeconds }, o?.signal),
    killContainer: (c, o) => post(`kill container ${c}`, c, "kill", { signal: o?.signalName }, o?.signal),
    pauseContainer: (c, o) => post(`pause container ${c}`, c, "pause", {}, o?.signal),
    unpauseContainer: (c, o) => post(`unpause container ${c}`, c, "unpause", {}, o?.signal),
    resizeContainerTty: (c, size, o) => post(`resize the TTY of container ${c}`, c, "resize", { h: size.height, w: size.width }, o?.signal),

    topContainer: async (c, o) => {
      const t = await call<{ Titles?: unknown; Processes?: unknown }>(`list the processes of container ${c}`, { method: "GET", path: `/containers/${seg(c)}/top`, signal: o?.signal });
      return { titles: strings(t?.Titles), processes: Array.isArray(t?.Processes) ? (t.Processes as unknown[]).map(strings) : [] };
    },
  };
}

const STATUSES: ReadonlySet<string> = new Set(["created", "running", "paused", "restarting", "removing", "exited", "dead"]);
const statusOf = (s: unknown): ContainerStatus => (typeof s === "string" && STATUSES.has(s) ? (s as ContainerStatus) : "dead");
const stripSlash = (n: string) => (n.startsWith("/") ? n.slice(1) : n);
const healthOf = (s: unknown): HealthStatus | undefined => (s === "healthy" || s === "unhealthy" || s === "starting" ? s : undefined);
// Go's zero time stands for "never".
const timeOf = (t: unknown): string | undefined => (typeof t === "string" && t !== "" && !t.startsWith("0001-01-01") ? t : undefined);

// Docker reports a container's health in its summary only as text: "Up 5 seconds (health: starting)".
export function healthFromStatusText(status: string): HealthStatus {
  if (status.includes("(healthy)")) return "healthy";
  if (status.includes("(unhealthy)")) return "unhealthy";
  if (status.includes("(health: starting)")) return "starting";
  return "none";
}

function portOf(p: unknown): PortSummary {
  const raw = (p ?? {}) as { IP?: unknown; PrivatePort?: unknown; PublicPort?: unknown; Type?: unknown };
  return {
    ...(typeof raw.IP === "string" && raw.IP !== "" ? { ip: raw.IP } : {}),
    privatePort: Number(raw.PrivatePort ?? 0),
    ...(typeof raw.PublicPort === "number" && raw.PublicPort !== 0 ? { publicPort: raw.PublicPort } : {}),
    protocol: typeof raw.Type === "string" ? raw.Type : "tcp",
  };
}

/** GET /containers/json's entries. */
export function containerSummaryOf(c: unknown): ContainerSummary {
  const raw = c as Record<string, unknown>;
  const nets = (raw.NetworkSettings as { Networks?: Record<string, unknown> } | undefined)?.Networks ?? {};
  const mounts = Array.isArray(raw.Mounts) ? (raw.Mounts as { Type?: string; Name?: string }[]) : [];
  const status = String(raw.Status ?? "");
  return {
    id: String(raw.Id),
    name: stripSlash(strings(raw.Names)[0] ?? String(raw.Id)),
    image: String(raw.Image ?? ""),
    imageId: String(raw.ImageID ?? ""),
    labels: labelsOf(raw.Labels),
    state: statusOf(raw.State),
    // API >= 1.52 has it structured.
    health: healthOf((raw.Health as { Status?: string } | undefined)?.Status) ?? healthFromStatusText(status),
    created: Number(raw.Created ?? 0),
    networks: Object.keys(nets).sort(),
    volumes: mounts.filter((m) => m.Type === "volume" && typeof m.Name === "string").map((m) => m.Name as string),
    status,
    command: String(raw.Command ?? ""),
    ports: Array.isArray(raw.Ports) ? raw.Ports.map(portOf) : [],
  };
}

/** GET /containers/{id}/json. */
export function containerDetailsOf(i: unknown): ContainerDetails {
  const raw = i as Record<string, unknown>;
  const state = (raw.State ?? {}) as Record<string, unknown>;
  const config = (raw.Config ?? {}) as Record<string, unknown>;
  const health = state.Health as { Status?: string; Log?: { Output?: string }[] } | undefined;
  const hc = config.Healthcheck as { Test?: string[] } | undefined;
  const nets = (raw.NetworkSettings as { Networks?: Record<string, unknown> } | undefined)?.Networks ?? {};
  const output = Array.isArray(health?.Log) ? health.Log.at(-1)?.Output?.trim() : undefined;
  const startedAt = timeOf(state.StartedAt);
  const finishedAt = timeOf(state.FinishedAt);
  return {
    id: String(raw.Id),
    name: stripSlash(String(raw.Name ?? "")),
    imageId: String(raw.Image ?? ""),
    labels: labelsOf(config.Labels),
    state: {
      status: statusOf(state.Status),
      running: state.Running === true,
      exitCode: Number(state.ExitCode ?? 0),
      ...(health?.Status !== undefined ? { health: healthOf(health.Status) ?? "none" } : {}),
      ...(output !== undefined && output !== "" ? { healthOutput: output } : {}),
      ...(typeof state.Error === "string" && state.Error !== "" ? { error: state.Error } : {}),
      ...(startedAt !== undefined ? { startedAt } : {}),
      ...(finishedAt !== undefined ? { finishedAt } : {}),
    },
    hasHealthcheck: hc?.Test !== undefined && hc.Test.length > 0 && hc.Test[0] !== "NONE",
    tty: config.Tty === true,
    networks: Object.keys(nets).sort(),
    user: typeof config.User === "string" ? config.User : "",
  };
}
